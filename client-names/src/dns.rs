//! DNS-1123 labels and subdomains, and DNS-1035 labels (RFC 1123, RFC 1035).

use crate::max_len_error;

/// The longest DNS-1123 label: 63 characters.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;

/// The longest DNS-1123 subdomain: 253 characters. Its labels have no limit
/// of their own beyond this one (apimachinery checks the total only).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

/// The longest DNS-1035 label: 63 characters.
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;

/// apimachinery's message for a value that is not a DNS-1123 label (the
/// double space before `or` is kube-apiserver's, kept verbatim).
pub const DNS1123_LABEL_ERROR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// apimachinery's message for a value that is not a DNS-1123 subdomain.
pub const DNS1123_SUBDOMAIN_ERROR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// apimachinery's message for a value that is not a DNS-1035 label.
pub const DNS1035_LABEL_ERROR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// The label regex `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, with no length limit.
fn label_syntax(s: &str) -> bool {
    match s.as_bytes() {
        [] => false,
        [first, .., last] if !lower_alnum(*first) || !lower_alnum(*last) => false,
        [only] if !lower_alnum(*only) => false,
        b => b.iter().all(|c| lower_alnum(*c) || *c == b'-'),
    }
}

/// The subdomain regex: labels joined by single dots, with no length limit.
fn subdomain_syntax(s: &str) -> bool {
    s.split('.').all(label_syntax)
}

/// Whether `s` is a DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most
/// 63 characters (apimachinery's `IsDNS1123Label`).
///
/// ```
/// use client_names::is_dns1123_label;
/// assert!(is_dns1123_label("kube-system"));
/// assert!(is_dns1123_label("123-abc"));
/// assert!(!is_dns1123_label("a.b"));
/// assert!(!is_dns1123_label(&"a".repeat(64)));
/// ```
pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= DNS1123_LABEL_MAX_LENGTH && label_syntax(s)
}

/// Whether `s` is a DNS-1123 subdomain: lowercase labels joined by dots, at
/// most 253 characters in all, with no per-label limit (apimachinery's
/// `IsDNS1123Subdomain`).
///
/// ```
/// use client_names::is_dns1123_subdomain;
/// assert!(is_dns1123_subdomain("stable.example.com"));
/// assert!(is_dns1123_subdomain(&format!("{}.com", "a".repeat(64))));
/// assert!(!is_dns1123_subdomain("a..com"));
/// assert!(!is_dns1123_subdomain(""));
/// ```
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= DNS1123_SUBDOMAIN_MAX_LENGTH && subdomain_syntax(s)
}

/// Whether `s` is a DNS-1035 label: a DNS-1123 label that starts with a
/// letter (apimachinery's `IsDNS1035Label`).
///
/// ```
/// use client_names::is_dns1035_label;
/// assert!(is_dns1035_label("crontabs"));
/// assert!(!is_dns1035_label("2crontabs"));
/// ```
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// apimachinery's messages for `s` as a DNS-1123 label, in its order; empty
/// when `s` is valid.
///
/// ```
/// use client_names::dns1123_label_errors;
/// assert!(dns1123_label_errors("ok").is_empty());
/// assert_eq!(dns1123_label_errors("a.b"), ["must not contain dots"]);
/// ```
pub fn dns1123_label_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !label_syntax(s) {
        if subdomain_syntax(s) {
            // A valid subdomain but not a label: the dots are the problem.
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(DNS1123_LABEL_ERROR.to_owned());
        }
    }
    errs
}

/// apimachinery's messages for `s` as a DNS-1123 subdomain; empty when valid.
///
/// ```
/// use client_names::{DNS1123_SUBDOMAIN_ERROR, dns1123_subdomain_errors};
/// assert!(dns1123_subdomain_errors("example.com").is_empty());
/// assert_eq!(dns1123_subdomain_errors("Bad"), [DNS1123_SUBDOMAIN_ERROR]);
/// ```
pub fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !subdomain_syntax(s) {
        errs.push(DNS1123_SUBDOMAIN_ERROR.to_owned());
    }
    errs
}

/// apimachinery's messages for `s` as a DNS-1035 label; empty when valid.
///
/// ```
/// use client_names::{DNS1035_LABEL_ERROR, dns1035_label_errors};
/// assert!(dns1035_label_errors("crontabs").is_empty());
/// assert_eq!(dns1035_label_errors("1a"), [DNS1035_LABEL_ERROR]);
/// ```
pub fn dns1035_label_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    if !(label_syntax(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)) {
        errs.push(DNS1035_LABEL_ERROR.to_owned());
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains() {
        for ok in [
            "stable.example.com",
            "apps",
            "cert-manager.io",
            "a",
            "0",
            "x1.y2",
            "a.b-c.d1",
        ] {
            assert!(is_dns1123_subdomain(ok), "{ok}");
            assert!(dns1123_subdomain_errors(ok).is_empty(), "{ok}");
        }
        for bad in [
            "",
            "Stable.example.com",
            "-a.com",
            "a-.com",
            "a..com",
            ".a",
            "a.",
            "a_b.com",
            "-",
            "-a",
            "a..b",
            "Bad",
        ] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
            assert_eq!(
                dns1123_subdomain_errors(bad),
                [DNS1123_SUBDOMAIN_ERROR],
                "{bad}"
            );
        }
    }

    #[test]
    fn a_subdomain_label_may_be_longer_than_63() {
        // apimachinery limits the whole subdomain to 253 and nothing else.
        let long_label = format!("{}.example.com", "a".repeat(64));
        assert!(is_dns1123_subdomain(&long_label));
        let at_limit = "a".repeat(253);
        assert!(is_dns1123_subdomain(&at_limit));
        let over = "a".repeat(254);
        assert!(!is_dns1123_subdomain(&over));
        assert_eq!(
            dns1123_subdomain_errors(&over),
            ["must be no more than 253 characters"]
        );
    }

    #[test]
    fn labels() {
        assert!(is_dns1123_label("kube-system"));
        assert!(is_dns1123_label("1"));
        assert!(is_dns1123_label(&"a".repeat(63)));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(!is_dns1123_label("a.b"));
        assert!(!is_dns1123_label(""));
        assert_eq!(dns1123_label_errors("a.b"), ["must not contain dots"]);
        assert_eq!(dns1123_label_errors("A"), [DNS1123_LABEL_ERROR]);
        assert_eq!(
            dns1123_label_errors(&"a".repeat(64)),
            ["must be no more than 63 characters"]
        );
        assert_eq!(
            dns1123_label_errors(&format!("{}-", "a".repeat(64))),
            ["must be no more than 63 characters", DNS1123_LABEL_ERROR]
        );
    }

    #[test]
    fn dns1035() {
        assert!(is_dns1035_label("crontabs"));
        assert!(is_dns1035_label("cron-tabs2"));
        for bad in ["2crontabs", "CronTabs", "cron_tabs", "cron.tabs", "", "a-"] {
            assert!(!is_dns1035_label(bad), "{bad}");
            assert_eq!(dns1035_label_errors(bad), [DNS1035_LABEL_ERROR], "{bad}");
        }
        assert!(!is_dns1035_label(&"a".repeat(64)));
        assert_eq!(
            dns1035_label_errors(&"a".repeat(64)),
            ["must be no more than 63 characters"]
        );
    }
}
