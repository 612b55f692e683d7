//! ConfigMap and Secret keys: apimachinery's `IsConfigMapKey`.

use crate::{DNS1123_SUBDOMAIN_MAX_LENGTH, max_len_error};

/// apimachinery's message for a key with characters outside `[-._a-zA-Z0-9]`.
pub const CONFIG_MAP_KEY_ERROR: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// apimachinery's messages for `key` as a ConfigMap or Secret data key;
/// empty when valid.
///
/// ```
/// use client_names::{CONFIG_MAP_KEY_ERROR, config_map_key_errors};
/// assert!(config_map_key_errors("app.properties").is_empty());
/// assert_eq!(config_map_key_errors("a b"), [CONFIG_MAP_KEY_ERROR]);
/// assert_eq!(config_map_key_errors(".."), ["must not be '..'"]);
/// ```
pub fn config_map_key_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    let syntax = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    if !syntax {
        errs.push(CONFIG_MAP_KEY_ERROR.to_owned());
    }
    // apimachinery's hasChDirPrefix.
    if key == "." {
        errs.push("must not be '.'".to_owned());
    } else if key == ".." {
        errs.push("must not be '..'".to_owned());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".to_owned());
    }
    errs
}
