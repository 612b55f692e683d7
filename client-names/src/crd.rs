//! The group of a CustomResourceDefinition.

use crate::dns::dns1123_subdomain_errors;

/// kube-apiserver's message for a CRD whose group has no dot
/// (`spec.group: Invalid value: "widgets": should be a domain with at least one dot`).
pub const CRD_GROUP_NEEDS_A_DOT: &str = "should be a domain with at least one dot";

/// Whether `group` can be a CRD's group: a DNS-1123 subdomain with at least
/// one dot. Groups without a dot (`apps`, `batch`, the core group `""`) are
/// the Kubernetes project's own; kube-apiserver refuses CRDs in them, so an
/// extension names a domain it controls.
///
/// ```
/// use client_names::is_crd_group;
/// assert!(is_crd_group("stable.example.com"));
/// assert!(!is_crd_group("widgets"));
/// assert!(!is_crd_group(""));
/// ```
pub fn is_crd_group(group: &str) -> bool {
    crd_group_errors(group).is_empty()
}

/// kube-apiserver's messages for a non-empty CRD group, as it checks
/// `spec.group`: the DNS-1123 subdomain errors if any, else
/// [`CRD_GROUP_NEEDS_A_DOT`] when there is no dot. (kube-apiserver reports an
/// empty group as `Required value` instead; this function treats `""` as a
/// bad subdomain.)
///
/// ```
/// use client_names::{CRD_GROUP_NEEDS_A_DOT, crd_group_errors};
/// assert!(crd_group_errors("example.com").is_empty());
/// assert_eq!(crd_group_errors("widgets"), [CRD_GROUP_NEEDS_A_DOT]);
/// assert_eq!(crd_group_errors("Widgets").len(), 1);
/// ```
pub fn crd_group_errors(group: &str) -> Vec<String> {
    let errs = dns1123_subdomain_errors(group);
    if errs.is_empty() && !group.contains('.') {
        return vec![CRD_GROUP_NEEDS_A_DOT.to_owned()];
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DNS1123_SUBDOMAIN_ERROR;

    #[test]
    fn groups() {
        for ok in ["a.b", "stable.example.com", "coordination.k8s.io"] {
            assert!(is_crd_group(ok), "{ok}");
        }
        for bad in ["apps", "batch", "", "a.", "A.b"] {
            assert!(!is_crd_group(bad), "{bad}");
        }
        assert_eq!(crd_group_errors("batch"), [CRD_GROUP_NEEDS_A_DOT]);
        // a bad subdomain is reported as such, not as a missing dot
        assert_eq!(crd_group_errors("Batch"), [DNS1123_SUBDOMAIN_ERROR]);
    }
}
