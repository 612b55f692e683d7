//! CRD schemas from Rust types: the rewrite of a JSON Schema into the
//! structural OpenAPI v3 schema kube-apiserver accepts ([`resource_schema`]),
//! and, with the `schemars` feature, the link from a `schemars::JsonSchema`
//! type to it ([`CrdSchema`]).
//!
//! A resource opts in with `#[resource(.., schema)]` and
//! `#[derive(JsonSchema)]`; its `crd()` then carries the generated schema
//! (and returns a `Result`, since a Rust shape may have no structural form).
//! Without `schema`, `crd()` keeps the permissive schema.

pub(crate) mod manifest;
mod structural;

pub use manifest::{CrdError, crd_json, crd_yaml};
pub use structural::{StructuralError, resource_schema, structural};

use serde_json::Value;

/// A type whose structural schema `crd()` can generate: every
/// `schemars::JsonSchema` type, with client-core's `schemars` feature.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no JSON schema for `#[resource(.., schema)]`",
    label = "needs `#[derive(schemars::JsonSchema)]`",
    note = "derive `schemars::JsonSchema` on the resource and every type inside it, \
            and enable client-core's `schemars` feature; or drop `schema` to keep a permissive schema"
)]
pub trait CrdSchema {
    /// The structural schema of the whole resource (`openAPIV3Schema`).
    ///
    /// # Errors
    ///
    /// [`StructuralError`] names the field whose shape has no structural form.
    fn crd_schema() -> Result<Value, StructuralError>;
}

#[cfg(feature = "schemars")]
#[diagnostic::do_not_recommend]
impl<T: schemars::JsonSchema> CrdSchema for T {
    fn crd_schema() -> Result<Value, StructuralError> {
        resource_schema(&json_schema::<T>())
    }
}

/// The draft 2020-12 JSON Schema schemars writes for `T`, with its `$defs`
/// (before the structural rewrite).
#[cfg(feature = "schemars")]
pub fn json_schema<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The schema of [`ObjectMeta`](crate::ObjectMeta) inside a custom resource:
/// a bare object, because kube-apiserver validates metadata itself and allows a
/// CRD schema to restrict only `name` and `generateName`.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for crate::ObjectMeta {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ObjectMeta".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut s = schemars::Schema::default();
        s.insert("type".into(), "object".into());
        s
    }
}

#[cfg(test)]
mod tests;
