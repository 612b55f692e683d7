//! Object name validation: DNS-1123 subdomains (labels for namespaces), as
//! kube-apiserver checks them.

use serde_json::Value;

use crate::error::ApiError;
use crate::meta::selector::{validate_label_key, validate_label_value};
use crate::registry::kind::ResourceKind;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str, max: usize) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Whether `s` is a DNS-1123 subdomain.
pub fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(|l| is_label(l, 253))
}

/// Whether `s` is a DNS-1123 label.
pub fn is_dns_label(s: &str) -> bool {
    is_label(s, 63)
}

/// Checks an object name for `kind`.
///
/// # Errors
/// 422 Invalid naming the rule broken.
pub fn validate(kind: &ResourceKind, name: &str) -> Result<(), ApiError> {
    let problem = if name == "." || name == ".." {
        Some(format!("may not be '{name}'"))
    } else if name.contains('/') {
        Some("may not contain '/'".to_string())
    } else if kind.name_is_dns_label {
        (!is_dns_label(name)).then(|| LABEL_MSG.to_string())
    } else {
        (!is_subdomain(name)).then(|| SUBDOMAIN_MSG.to_string())
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(ApiError::invalid(
            &kind.group,
            &kind.kind,
            name,
            &[(
                "metadata.name".into(),
                format!("Invalid value: \"{name}\": {p}"),
            )],
        )),
    }
}

fn tail(msg: &str) -> &str {
    // The selector module words problems as `key: Invalid value: "k": why`.
    msg.splitn(3, ": ").nth(2).unwrap_or(msg)
}

/// Checks `metadata.labels` (keys and values) and `metadata.annotations`
/// (keys), one cause per bad entry.
///
/// # Errors
/// 422 Invalid listing every bad key or value.
pub fn validate_metadata(kind: &ResourceKind, name: &str, obj: &Value) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    let map = |p: &str| obj.pointer(p).and_then(Value::as_object);
    if let Some(labels) = map("/metadata/labels") {
        for (k, v) in labels {
            if let Err(m) = validate_label_key(k) {
                causes.push((
                    "metadata.labels".to_string(),
                    format!("Invalid value: {k:?}: {}", tail(&m)),
                ));
            }
            match v.as_str() {
                Some(v) => {
                    if let Err(m) = validate_label_value(v) {
                        causes.push((
                            "metadata.labels".to_string(),
                            format!("Invalid value: {v:?}: {}", tail(&m)),
                        ));
                    }
                }
                None => causes.push((
                    "metadata.labels".to_string(),
                    format!("Invalid value: {v}: label values must be strings"),
                )),
            }
        }
    }
    if let Some(annotations) = map("/metadata/annotations") {
        for (k, v) in annotations {
            if let Err(m) = validate_label_key(k) {
                causes.push((
                    "metadata.annotations".to_string(),
                    format!("Invalid value: {k:?}: {}", tail(&m)),
                ));
            }
            if !v.is_string() {
                causes.push((
                    "metadata.annotations".to_string(),
                    format!("Invalid value: {v}: annotation values must be strings"),
                ));
            }
        }
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&kind.group, &kind.kind, name, &causes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains() {
        assert!(is_subdomain("a.b-c.d1"));
        assert!(!is_subdomain("Bad"));
        assert!(!is_subdomain("a..b"));
        assert!(!is_subdomain("-a"));
        assert!(!is_subdomain(""));
        assert!(is_dns_label("kube-system"));
        assert!(!is_dns_label("a.b"));
    }
}
