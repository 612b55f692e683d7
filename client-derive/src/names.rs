//! Naming rules of the derives themselves: kinds, Rust method names and the
//! Clientset's accessor names. Kubernetes' own rules (DNS names, API versions,
//! CRD groups, plurals) live in the `client-names` crate, shared with
//! `client-core` and the test server.

/// A kind: an ASCII identifier starting with an uppercase letter (`CronTab`).
pub fn is_kind(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b[0].is_ascii_uppercase() && b.iter().all(|c| c.is_ascii_alphanumeric())
}

/// A Rust identifier in snake case that can name a method (`get_scale`).
pub fn is_snake_ident(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_lowercase() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && s != "_"
}

/// The accessor a Clientset gives a group-version: the group's first DNS label
/// with `-` as `_`, then the version; the core group `""` is `core`.
pub fn group_version_accessor(group: &str, version: &str) -> String {
    let first = group.split('.').next().unwrap_or("");
    let first = if first.is_empty() { "core" } else { first };
    format!("{}_{}", first.replace('-', "_"), version)
}

/// A CamelCase kind in snake case, acronyms kept whole: `ClusterRole` ->
/// `cluster_role`, `APIService` -> `api_service`, `ServiceCIDR` -> `service_cidr`.
pub fn camel_to_snake(camel: &str) -> String {
    let chars: Vec<char> = camel.chars().collect();
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `cert_manager_v1` -> `CertManagerV1`.
pub fn snake_to_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_').filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_idents() {
        assert!(is_kind("CronTab"));
        assert!(!is_kind("cronTab"));
        assert!(!is_kind("Cron_Tab"));
        assert!(is_snake_ident("get_scale"));
        assert!(!is_snake_ident("GetScale"));
        assert!(!is_snake_ident("_"));
        assert!(!is_snake_ident("1a"));
    }

    #[test]
    fn accessors() {
        assert_eq!(
            group_version_accessor("stable.example.com", "v1"),
            "stable_v1"
        );
        assert_eq!(
            group_version_accessor("cert-manager.io", "v1"),
            "cert_manager_v1"
        );
        assert_eq!(group_version_accessor("", "v1"), "core_v1");
        assert_eq!(group_version_accessor("apps", "v1beta2"), "apps_v1beta2");
        assert_eq!(snake_to_camel("cert_manager_v1"), "CertManagerV1");
        assert_eq!(snake_to_camel("core_v1"), "CoreV1");
    }

    #[test]
    fn snake_case_of_kinds() {
        for (camel, snake) in [
            ("ClusterRole", "cluster_role"),
            ("APIService", "api_service"),
            ("ServiceCIDR", "service_cidr"),
            ("IPAddress", "ip_address"),
            ("CSIStorageCapacity", "csi_storage_capacity"),
            ("Pod", "pod"),
            ("V1Thing", "v1_thing"),
        ] {
            assert_eq!(camel_to_snake(camel), snake);
        }
    }
}
