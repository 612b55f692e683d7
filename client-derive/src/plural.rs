//! client-gen's pluralisation of a kind, and the naming rules shared by both derives.
//!
//! This is the same rule as `client_core::resource::default_plural`: a macro
//! cannot call into the runtime crate at expansion time, so it carries its own
//! copy, and the `tests` crate checks both agree on a list of kinds.

/// The lowercase plural client-gen derives from a kind.
///
/// consonant + `y` -> `ies`, vowel + `y` -> `ys`, `s`/`x`/`z`/`ch`/`sh` -> `es`, else `+s`.
pub fn default_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.len() < 2 {
        return lower;
    }
    if let Some(stem) = lower.strip_suffix('y') {
        return match stem.as_bytes().last() {
            Some(b'a' | b'e' | b'i' | b'o' | b'u') | None => format!("{lower}s"),
            Some(_) => format!("{stem}ies"),
        };
    }
    let sibilant = matches!(lower.as_bytes().last(), Some(b's' | b'x' | b'z'))
        || lower.ends_with("ch")
        || lower.ends_with("sh");
    if sibilant {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

/// The accessor a Clientset gives a group-version: the group's first DNS label
/// with `-` as `_`, then the version; the core group `""` is `core`.
pub fn group_version_accessor(group: &str, version: &str) -> String {
    let first = group.split('.').next().unwrap_or("");
    let first = if first.is_empty() { "core" } else { first };
    format!("{}_{}", first.replace('-', "_"), version)
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
    fn plurals() {
        for (kind, plural) in [
            ("CronTab", "crontabs"),
            ("Policy", "policies"),
            ("Gateway", "gateways"),
            ("Ingress", "ingresses"),
            ("Box", "boxes"),
            ("Quiz", "quizes"),
            ("Patch", "patches"),
            ("Mesh", "meshes"),
            ("Endpoints", "endpointses"),
            ("Y", "y"),
            ("A", "a"),
            ("Ay", "ays"),
            ("Key", "keys"),
            ("Pod", "pods"),
            ("ConfigMap", "configmaps"),
        ] {
            assert_eq!(default_plural(kind), plural, "{kind}");
        }
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
}
