//! Request options around writes: `fieldManager`, `force`,
//! `fieldValidation`, checked the way kube-apiserver checks its
//! `CreateOptions`/`UpdateOptions`/`PatchOptions`.

use crate::error::ApiError;
use crate::schema::{FieldError, FieldValidation, invalid_error};
use serde_json::Value;

/// Longest `fieldManager` kube-apiserver accepts.
pub(crate) const FIELD_MANAGER_MAX_LENGTH: usize = 128;

/// The write options of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WriteOptions<'a> {
    /// `CreateOptions`, `UpdateOptions` or `PatchOptions`.
    pub kind: &'a str,
    /// Whether the request is an apply patch.
    pub apply: bool,
    /// The `fieldManager` query parameter.
    pub field_manager: Option<&'a str>,
    /// The `force` query parameter (`Some` when present).
    pub force: Option<bool>,
    /// The `fieldValidation` query parameter.
    pub field_validation: Option<&'a str>,
}

/// Checks the options; all problems are reported together.
///
/// # Errors
/// kube-apiserver's 422 on the options kind, e.g. `PatchOptions.meta.k8s.io
/// "" is invalid: fieldManager: Required value: is required for apply
/// patch`, or `force: Forbidden: may not be specified for non-apply patch`.
pub(crate) fn check_write_options(o: &WriteOptions<'_>) -> Result<FieldValidation, ApiError> {
    let mut errs = Vec::new();
    if o.apply {
        if o.field_manager.unwrap_or_default().is_empty() {
            errs.push(FieldError::required_because(
                "fieldManager",
                "is required for apply patch",
            ));
        }
    } else if o.force.is_some() {
        errs.push(FieldError::forbidden(
            "force",
            "may not be specified for non-apply patch",
        ));
    }
    if let Some(m) = o.field_manager {
        if m.chars().count() > FIELD_MANAGER_MAX_LENGTH {
            errs.push(FieldError::too_long(
                "fieldManager",
                Some(FIELD_MANAGER_MAX_LENGTH as u64),
            ));
        }
        for (i, c) in m.chars().enumerate() {
            if c.is_control() {
                errs.push(FieldError::invalid(
                    "fieldManager",
                    &Value::String(m.to_string()),
                    format!("invalid character U+{:04X} (at position {i})", c as u32),
                ));
            }
        }
    }
    let mode = match FieldValidation::parse(o.field_validation, o.kind) {
        Ok(m) => m,
        Err(_) => {
            let supported: Vec<String> = ["", "Ignore", "Strict", "Warn"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            errs.push(FieldError::not_supported(
                "fieldValidation",
                &Value::String(o.field_validation.unwrap_or_default().to_string()),
                &supported,
            ));
            FieldValidation::Warn
        }
    };
    if errs.is_empty() {
        Ok(mode)
    } else {
        Err(invalid_error("meta.k8s.io", o.kind, "", &errs))
    }
}

/// The manager of a non-apply write without `fieldManager`: the
/// `User-Agent` up to its first `/` (kube-apiserver's default), at most
/// [`FIELD_MANAGER_MAX_LENGTH`] characters.
pub(crate) fn default_field_manager(user_agent: &str) -> String {
    let prefix = user_agent.split('/').next().unwrap_or_default();
    prefix.chars().take(FIELD_MANAGER_MAX_LENGTH).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn options_errors_are_aggregated() {
        let e = check_write_options(&WriteOptions {
            kind: "PatchOptions",
            apply: false,
            force: Some(true),
            field_validation: Some("Loose"),
            field_manager: Some("m"),
        })
        .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "PatchOptions.meta.k8s.io \"\" is invalid: [force: Forbidden: may not be specified for non-apply patch, fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"]"
        );
        let s = e.to_status();
        assert_eq!(s["details"]["causes"][0]["reason"], "FieldValueForbidden");
        assert_eq!(s["details"]["kind"], "PatchOptions");
        assert_eq!(s["details"]["group"], "meta.k8s.io");
    }

    #[test]
    fn valid_options_give_the_field_validation_mode() {
        let ok = check_write_options(&WriteOptions {
            kind: "PatchOptions",
            apply: true,
            field_manager: Some("kubectl"),
            force: Some(true),
            field_validation: Some("Strict"),
        })
        .unwrap();
        assert_eq!(ok, FieldValidation::Strict);
        let long = "m".repeat(129);
        let e = check_write_options(&WriteOptions {
            kind: "CreateOptions",
            field_manager: Some(&long),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e.message,
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes"
        );
        assert_eq!(
            default_field_manager("Go-http-client/1.1"),
            "Go-http-client"
        );
        assert_eq!(default_field_manager(""), "");
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn check_write_options_example() {
        use crate::ssa::{WriteOptions, check_write_options};
        let e = check_write_options(&WriteOptions {
            kind: "PatchOptions",
            apply: true,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e.message,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
        );
    }

    #[test]
    fn default_field_manager_example() {
        use crate::ssa::default_field_manager;
        assert_eq!(
            default_field_manager("kubectl/v1.31.0 (linux/amd64) kubernetes/abc"),
            "kubectl"
        );
    }
}
