//! client-gen's plural of a kind.

/// The lowercase plural client-gen (gengo) derives from a kind, which is the
/// URL segment a kind is served under unless it says otherwise.
///
/// consonant + `y` -> `ies`, vowel + `y` -> `ys`, `s`/`x`/`z`/`ch`/`sh` ->
/// `es`, else `+s`; a one-letter kind is only lowercased.
///
/// ```
/// use client_names::default_plural;
/// assert_eq!(default_plural("Policy"), "policies");
/// assert_eq!(default_plural("Gateway"), "gateways");
/// assert_eq!(default_plural("Ingress"), "ingresses");
/// assert_eq!(default_plural("CronTab"), "crontabs");
/// ```
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
}
