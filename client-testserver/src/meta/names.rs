//! Object name validation: DNS-1123 subdomains (labels for namespaces), as
//! kube-apiserver checks them.

use serde_json::Value;

use crate::error::ApiError;
use crate::meta::selector::{validate_label_key, validate_label_value};
use crate::registry::kind::{NameRule, ResourceKind};

/// Checks an object name for `kind` and, when the name was generated, the
/// `generateName` prefix it came from (as kube-apiserver's
/// `ValidateObjectMeta`: the prefix is checked with a trailing dash
/// allowed, and its errors name `metadata.generateName`).
///
/// # Errors
/// 422 Invalid with one cause per field at fault.
pub fn validate_generated(
    kind: &ResourceKind,
    name: &str,
    generate_name: Option<&str>,
) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    if let Some(prefix) = generate_name.filter(|g| !g.is_empty()) {
        let masked = match prefix.strip_suffix('-') {
            Some(p) => format!("{p}a"),
            None => prefix.to_string(),
        };
        if let Some(p) = name_problem(kind, &masked) {
            causes.push((
                "metadata.generateName".to_string(),
                format!("Invalid value: \"{prefix}\": {p}"),
            ));
        }
    }
    if let Some(p) = name_problem(kind, name) {
        causes.push((
            "metadata.name".to_string(),
            format!("Invalid value: \"{name}\": {p}"),
        ));
    }
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::invalid(&kind.group, &kind.kind, name, &causes))
}

/// What is wrong with `name` as a name of `kind`, if anything.
fn name_problem(kind: &ResourceKind, name: &str) -> Option<String> {
    if name == "." || name == ".." {
        Some(format!("may not be '{name}'"))
    } else if name.contains('/') {
        Some("may not contain '/'".to_string())
    } else {
        match kind.name_rule {
            NameRule::Dns1123Label => (!client_names::is_dns1123_label(name))
                .then(|| client_names::DNS1123_LABEL_ERROR.to_string()),
            NameRule::Dns1035Label => (!client_names::is_dns1035_label(name))
                .then(|| client_names::DNS1035_LABEL_ERROR.to_string()),
            // ValidatePathSegmentName: only '.', '..', '/' and '%' are refused.
            NameRule::PathSegment => name
                .contains('%')
                .then(|| "may not contain '%'".to_string()),
            NameRule::Dns1123Subdomain => (!client_names::is_dns1123_subdomain(name))
                .then(|| client_names::DNS1123_SUBDOMAIN_ERROR.to_string()),
        }
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
