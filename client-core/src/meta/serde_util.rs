//! Small serde helpers shared by the API types: Go's `omitempty` and `null` rules.

use serde::{Deserialize, Deserializer};

/// Deserializes `null` (which Go writes for nil maps and slices) as the type's default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Go's `omitempty` for a `string` field modelled as `Option<String>`: `None` and `""` are omitted.
pub(crate) fn str_is_empty(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(str::is_empty)
}

/// Go's `omitempty` for an integer field modelled as `Option<i64>`: `None` and `0` are omitted.
pub(crate) fn int_is_zero(value: &Option<i64>) -> bool {
    value.is_none_or(|v| v == 0)
}
