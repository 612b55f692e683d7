//! Label keys (qualified names) and label values.

use crate::dns::{dns1123_subdomain_errors, is_dns1123_subdomain};
use crate::max_len_error;

/// The longest name part of a qualified name: 63 characters.
pub const QUALIFIED_NAME_MAX_LENGTH: usize = 63;

/// The longest label value: 63 characters.
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

/// apimachinery's message for a name part that breaks the syntax (prefixed
/// with `name part ` in [`qualified_name_errors`]).
pub const QUALIFIED_NAME_ERROR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// apimachinery's message for a label value that breaks the syntax.
pub const LABEL_VALUE_ERROR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// Whether `s` matches the name part syntax
/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, with no length limit.
///
/// ```
/// use client_names::is_qualified_name_part;
/// assert!(is_qualified_name_part("my.Name_1"));
/// assert!(!is_qualified_name_part("-a"));
/// assert!(!is_qualified_name_part(""));
/// ```
pub fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// Whether `key` is a qualified name, the syntax of label and annotation
/// keys: an optional DNS-1123 subdomain prefix and `/`, then a name part of
/// at most 63 characters (apimachinery's `IsQualifiedName`).
///
/// ```
/// use client_names::is_qualified_name;
/// assert!(is_qualified_name("app.kubernetes.io/name"));
/// assert!(is_qualified_name("tier"));
/// assert!(!is_qualified_name("a/b/c"));
/// assert!(!is_qualified_name("/name"));
/// ```
pub fn is_qualified_name(key: &str) -> bool {
    let name = match key.split_once('/') {
        None => key,
        Some((prefix, name)) => {
            if name.contains('/') || !is_dns1123_subdomain(prefix) {
                return false;
            }
            name
        }
    };
    name.len() <= QUALIFIED_NAME_MAX_LENGTH && is_qualified_name_part(name)
}

/// apimachinery's messages for `key` as a qualified name, in its order; empty
/// when valid.
///
/// ```
/// use client_names::qualified_name_errors;
/// assert!(qualified_name_errors("example.com/a").is_empty());
/// assert_eq!(qualified_name_errors("/a"), ["prefix part must be non-empty"]);
/// ```
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|e| format!("prefix part {e}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {QUALIFIED_NAME_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    if !is_qualified_name_part(name) {
        errs.push(format!("name part {QUALIFIED_NAME_ERROR}"));
    }
    errs
}

/// Whether `value` is a label value: empty, or a name part of at most 63
/// characters (apimachinery's `IsValidLabelValue`).
///
/// ```
/// use client_names::is_label_value;
/// assert!(is_label_value(""));
/// assert!(is_label_value("v1.2_rc"));
/// assert!(!is_label_value("a b"));
/// ```
pub fn is_label_value(value: &str) -> bool {
    value.len() <= LABEL_VALUE_MAX_LENGTH && (value.is_empty() || is_qualified_name_part(value))
}

/// apimachinery's messages for `value` as a label value; empty when valid.
///
/// ```
/// use client_names::{LABEL_VALUE_ERROR, label_value_errors};
/// assert!(label_value_errors("prod").is_empty());
/// assert_eq!(label_value_errors("-x"), [LABEL_VALUE_ERROR]);
/// ```
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !is_qualified_name_part(value) {
        errs.push(LABEL_VALUE_ERROR.to_owned());
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for ok in [
            "a",
            "A.b-c_d",
            "example.com/Name",
            "k8s.io/x",
            &"a".repeat(63),
        ] {
            assert!(is_qualified_name(ok), "{ok}");
            assert!(qualified_name_errors(ok).is_empty(), "{ok}");
        }
        for bad in [
            "",
            "/a",
            "a/",
            "a/b/c",
            "Ex.com/a",
            "-a",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(!is_qualified_name(bad), "{bad}");
            assert!(!qualified_name_errors(bad).is_empty(), "{bad}");
        }
        assert_eq!(
            qualified_name_errors(""),
            [
                "name part must be non-empty".to_owned(),
                format!("name part {QUALIFIED_NAME_ERROR}")
            ]
        );
        assert_eq!(
            qualified_name_errors(&"a".repeat(64)),
            ["name part must be no more than 63 characters"]
        );
        assert!(qualified_name_errors("a/b/c")[0].starts_with("a valid label key must consist"));
    }

    #[test]
    fn values() {
        for ok in ["", "a", "1.2-b_C", &"a".repeat(63)] {
            assert!(is_label_value(ok), "{ok}");
            assert!(label_value_errors(ok).is_empty(), "{ok}");
        }
        for bad in ["-a", "a.", "a b", "é", &"a".repeat(64)] {
            assert!(!is_label_value(bad), "{bad}");
            assert!(!label_value_errors(bad).is_empty(), "{bad}");
        }
    }
}
