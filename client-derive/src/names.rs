//! Syntax rules for the names Kubernetes accepts (apimachinery's validation).

/// A DNS-1123 subdomain: lowercase labels of `[a-z0-9-]` joined by dots, each
/// starting and ending with an alphanumeric, at most 253 characters.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// A Kubernetes API version: `v1`, `v1beta2`, `v2alpha1`.
pub fn is_api_version(s: &str) -> bool {
    fn number(s: &str) -> bool {
        !s.is_empty() && !s.starts_with('0') && s.bytes().all(|c| c.is_ascii_digit())
    }
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let major_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (major, tail) = rest.split_at(major_end);
    if !number(major) {
        return false;
    }
    if tail.is_empty() {
        return true;
    }
    let level = tail
        .strip_prefix("alpha")
        .or_else(|| tail.strip_prefix("beta"));
    level.is_some_and(number)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        for ok in [
            "stable.example.com",
            "apps",
            "cert-manager.io",
            "a",
            "x1.y2",
        ] {
            assert!(is_dns1123_subdomain(ok), "{ok}");
        }
        let long = format!("{}.com", "a".repeat(64));
        for bad in [
            "",
            "Stable.example.com",
            "-a.com",
            "a-.com",
            "a..com",
            ".a",
            "a_b.com",
            long.as_str(),
        ] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
    }

    #[test]
    fn labels() {
        assert!(is_dns1035_label("crontabs"));
        assert!(is_dns1035_label("cron-tabs2"));
        assert!(!is_dns1035_label("2crontabs"));
        assert!(!is_dns1035_label("CronTabs"));
        assert!(!is_dns1035_label("cron_tabs"));
        assert!(!is_dns1035_label("cron.tabs"));
        assert!(!is_dns1035_label(""));
        assert!(!is_dns1035_label(&"a".repeat(64)));
    }

    #[test]
    fn versions() {
        for ok in [
            "v1", "v2", "v10", "v1beta1", "v1beta2", "v2alpha1", "v3beta10",
        ] {
            assert!(is_api_version(ok), "{ok}");
        }
        for bad in [
            "", "1", "v", "v0", "v01", "V1", "v1beta", "v1gamma1", "v1beta0", "v1-beta1", "v1.0",
        ] {
            assert!(!is_api_version(bad), "{bad}");
        }
    }

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
}
