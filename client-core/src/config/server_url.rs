//! The API server's URL: defaulting a scheme-less `server` as client-go does, refusing
//! hosts the URL parser would silently turn into IPv4 addresses, and keeping the
//! credentials a URL may carry (`https://user:password@host`) out of every printout.

use std::borrow::Cow;
use std::net::Ipv4Addr;

use super::error::ConfigError;

/// Parses a kubeconfig `server` as client-go's `rest.DefaultServerURL` does.
///
/// A value with a scheme (`https://host:6443/prefix`) is used as written. A value without
/// one (`host:6443`) gets `https://` when `default_tls` (the cluster has a CA or skips
/// verification, or the user has a client certificate, as client-go's
/// `defaultServerUrlFor` decides) and `http://` otherwise, and may not carry a path.
/// Only `http` and `https` are accepted, and the host must not be a shorthand IPv4
/// number (see [`check_host`]).
pub(crate) fn parse_server_url(
    server: &str,
    default_tls: bool,
    context: &str,
) -> Result<reqwest::Url, ConfigError> {
    let url_error = |reason: String| ConfigError::Url {
        context: context.to_owned(),
        field: "server",
        reason,
    };
    let url = if server.contains("://") {
        reqwest::Url::parse(server).map_err(|e| url_error(e.to_string()))?
    } else {
        let scheme = if default_tls { "https" } else { "http" };
        let url = reqwest::Url::parse(&format!("{scheme}://{server}"))
            .map_err(|e| url_error(e.to_string()))?;
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            // client-go: "host must be a URL or a host:port pair".
            return Err(url_error(
                "without a scheme it must be a host or host:port, with no path".into(),
            ));
        }
        url
    };
    match url.scheme() {
        "https" | "http" => {}
        other => return Err(url_error(format!("unsupported scheme {other:?}"))),
    }
    if url.host().is_none() {
        return Err(url_error("no host".into()));
    }
    check_host(server, &url, context, "server")?;
    Ok(url)
}

/// Refuses a URL whose host the WHATWG parser read as an IPv4 address although it was
/// not written as one (`12345` becomes `0.0.48.57`, `127.1` becomes `127.0.0.1`,
/// `010.0.0.1` is octal). Go, and so kubectl, reads such a host as a DNS name; a Rust
/// `http(s)` URL cannot hold that name, so the only safe answer is to refuse it rather
/// than connect to an address the user never wrote.
///
/// `written` is the text the URL was parsed from (with or without a scheme).
pub(crate) fn check_host(
    written: &str,
    url: &reqwest::Url,
    context: &str,
    field: &'static str,
) -> Result<(), ConfigError> {
    // A WHATWG `http(s)` host that parses as dotted-quad IPv4 is an IPv4 host: domains
    // that look like numbers are always turned into addresses.
    let Some(parsed) = url.host_str().and_then(|h| h.parse::<Ipv4Addr>().ok()) else {
        return Ok(());
    };
    let host = written_host(written);
    if host.parse::<Ipv4Addr>().ok() == Some(parsed) {
        return Ok(());
    }
    Err(ConfigError::NumericHost {
        context: context.to_owned(),
        field,
        host: host.to_owned(),
        read_as: parsed,
    })
}

/// The host as written in `text` (`scheme://user@host:port/path` or `host:port`).
fn written_host(text: &str) -> &str {
    let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#', '\\'])
        .next()
        .unwrap_or(after_scheme);
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host_port
        .rsplit_once(':')
        .map_or(host_port, |(host, _port)| host)
}

/// `text` with the user information of its URL (`user:password@`) replaced by
/// `[redacted]@`, for `Debug` output and messages. Works on text that is not a valid
/// URL too, and on values without a scheme.
pub(crate) fn redact_userinfo(text: &str) -> Cow<'_, str> {
    let start = text.find("://").map_or(0, |i| i + 3);
    let authority_len = text[start..]
        .find(['/', '?', '#'])
        .unwrap_or(text.len() - start);
    let authority = &text[start..start + authority_len];
    match authority.rfind('@') {
        Some(at) => Cow::Owned(format!(
            "{}[redacted]{}",
            &text[..start],
            &text[start + at..]
        )),
        None => Cow::Borrowed(text),
    }
}

/// `url` without its user information, for the requests' base URL: credentials in the
/// URL are sent as basic authentication by the authenticator, never by the HTTP client.
pub(crate) fn without_userinfo(url: &reqwest::Url) -> reqwest::Url {
    let mut url = url.clone();
    // Both fail only for URLs that cannot have credentials at all, which is fine.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    // Moved from from_kubeconfig.rs: the https default now needs TLS settings, as in client-go.
    #[test]
    fn server_without_scheme_defaults_to_https() {
        let url = parse_server_url("10.1.2.3:6443", true, "c").unwrap();
        assert_eq!(url.as_str(), "https://10.1.2.3:6443/");
    }

    #[test]
    fn server_with_other_scheme_is_rejected_without_echoing_it() {
        let err = parse_server_url("ftp://user:pw@host", true, "c").unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Url {
                field: "server",
                ..
            }
        ));
        assert!(!err.to_string().contains("pw@"));
    }

    #[test]
    fn scheme_less_servers_get_https_only_with_tls_settings() {
        let url = parse_server_url("10.1.2.3:6443", true, "c").unwrap();
        assert_eq!(url.as_str(), "https://10.1.2.3:6443/");
        let url = parse_server_url("10.1.2.3:6443", false, "c").unwrap();
        assert_eq!(url.as_str(), "http://10.1.2.3:6443/");
        let url = parse_server_url("https://h:1/prefix", false, "c").unwrap();
        assert_eq!(url.as_str(), "https://h:1/prefix");
        assert!(matches!(
            parse_server_url("h:1/prefix", true, "c"),
            Err(ConfigError::Url {
                field: "server",
                ..
            })
        ));
    }

    #[test]
    fn shorthand_ipv4_hosts_are_refused() {
        for server in [
            "12345",
            "12345:6443",
            "https://12345",
            "http://u:p@127.1:80/x",
            "010.0.0.1",
            "0x7f.0.0.1",
            "127.0.0.1.",
        ] {
            let err = parse_server_url(server, true, "cluster \"c\"").unwrap_err();
            assert!(
                matches!(err, ConfigError::NumericHost { .. }),
                "{server}: {err:?}"
            );
            assert!(!err.to_string().contains("u:p"), "{err}");
        }
        let err = parse_server_url("12345", false, "cluster \"c\"").unwrap_err();
        assert!(err.to_string().contains("0.0.48.57"), "{err}");
        for server in [
            "127.0.0.1",
            "https://u:p@10.0.0.1:6443",
            "[::1]:6443",
            "a.b",
        ] {
            parse_server_url(server, true, "c").unwrap();
        }
    }

    #[test]
    fn userinfo_is_redacted_in_any_text() {
        assert_eq!(
            redact_userinfo("https://alice:hunter2@h:1/p@x"),
            "https://[redacted]@h:1/p@x"
        );
        assert_eq!(redact_userinfo("tok@h:1"), "[redacted]@h:1");
        assert_eq!(redact_userinfo("https://h/p"), "https://h/p");
        assert_eq!(redact_userinfo("not a url @ all"), "[redacted]@ all");
    }
}
