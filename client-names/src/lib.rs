//! Kubernetes naming rules, in one place for the whole workspace.
//!
//! The derive macros check attributes with these rules at compile time, the
//! runtime crate derives default plurals with them, and the test server
//! validates object names, label keys and CRD groups with them, answering
//! with kube-apiserver's own messages. Keeping one copy means the three can
//! no longer drift apart.
//!
//! The rules follow apimachinery's `util/validation` package:
//!
//! | rule | predicate | messages |
//! |---|---|---|
//! | DNS-1123 label (object names of namespaces, ...) | [`is_dns1123_label`] | [`dns1123_label_errors`] |
//! | DNS-1123 subdomain (most object names, API groups) | [`is_dns1123_subdomain`] | [`dns1123_subdomain_errors`] |
//! | DNS-1035 label (plurals, singulars, short names) | [`is_dns1035_label`] | [`dns1035_label_errors`] |
//! | qualified name (label and annotation keys) | [`is_qualified_name`] | [`qualified_name_errors`] |
//! | label value | [`is_label_value`] | [`label_value_errors`] |
//! | ConfigMap and Secret data keys | | [`config_map_key_errors`] |
//! | CRD group (a subdomain with a dot) | [`is_crd_group`] | [`crd_group_errors`] |
//! | API version form (`v1`, `v1beta2`) | [`is_api_version`] | |
//! | client-gen's plural of a kind | [`default_plural`] | |
//!
//! Each `*_errors` function returns apimachinery's messages, in its order, and
//! an empty list for a valid value; a server joins them with `,` after
//! `Invalid value: "..": `, as kube-apiserver does.
//!
//! ```
//! use client_names::{default_plural, is_crd_group, is_dns1123_subdomain};
//!
//! assert!(is_dns1123_subdomain("stable.example.com"));
//! assert!(is_dns1123_subdomain("apps"));
//! assert!(!is_crd_group("apps")); // kube-apiserver refuses a CRD in group `apps`
//! assert_eq!(default_plural("Policy"), "policies");
//! ```

#![forbid(unsafe_code)]

mod config_key;
mod crd;
mod dns;
mod labels;
mod plural;
mod version;

pub use config_key::{CONFIG_MAP_KEY_ERROR, config_map_key_errors};
pub use crd::{CRD_GROUP_NEEDS_A_DOT, crd_group_errors, is_crd_group};
pub use dns::{
    DNS1035_LABEL_ERROR, DNS1035_LABEL_MAX_LENGTH, DNS1123_LABEL_ERROR, DNS1123_LABEL_MAX_LENGTH,
    DNS1123_SUBDOMAIN_ERROR, DNS1123_SUBDOMAIN_MAX_LENGTH, dns1035_label_errors,
    dns1123_label_errors, dns1123_subdomain_errors, is_dns1035_label, is_dns1123_label,
    is_dns1123_subdomain,
};
pub use labels::{
    LABEL_VALUE_ERROR, LABEL_VALUE_MAX_LENGTH, QUALIFIED_NAME_ERROR, QUALIFIED_NAME_MAX_LENGTH,
    is_label_value, is_qualified_name, is_qualified_name_part, label_value_errors,
    qualified_name_errors,
};
pub use plural::default_plural;
pub use version::is_api_version;

/// apimachinery's message for a value longer than `max` characters.
///
/// ```
/// assert_eq!(client_names::max_len_error(63), "must be no more than 63 characters");
/// ```
pub fn max_len_error(max: usize) -> String {
    format!("must be no more than {max} characters")
}
