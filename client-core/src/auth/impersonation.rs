//! `Impersonate-*` headers, computed once from [`Impersonation`].

use http::{HeaderName, HeaderValue};

use crate::config::{ConfigError, Impersonation};

/// The headers that impersonate a user, in the order they are sent.
///
/// # Errors
/// [`ConfigError::Impersonation`] when a name or value cannot be an HTTP header value.
pub(crate) fn impersonation_headers(
    impersonate: &Impersonation,
) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
    let mut headers = Vec::new();
    let value = |what: &str, v: &str| {
        HeaderValue::from_str(v).map_err(|_| {
            ConfigError::Impersonation(format!(
                "{what} contains characters not allowed in a header"
            ))
        })
    };
    if let Some(user) = &impersonate.user {
        headers.push((
            HeaderName::from_static("impersonate-user"),
            value("as", user)?,
        ));
    }
    if let Some(uid) = &impersonate.uid {
        headers.push((
            HeaderName::from_static("impersonate-uid"),
            value("as-uid", uid)?,
        ));
    }
    for group in &impersonate.groups {
        headers.push((
            HeaderName::from_static("impersonate-group"),
            value("as-groups", group)?,
        ));
    }
    for (key, values) in &impersonate.extra {
        let name = HeaderName::from_bytes(
            format!("impersonate-extra-{}", escape_header_key(key)).as_bytes(),
        )
        .map_err(|_| {
            ConfigError::Impersonation(format!("as-user-extra key {key:?} cannot be a header name"))
        })?;
        for v in values {
            headers.push((name.clone(), value("as-user-extra", v)?));
        }
    }
    Ok(headers)
}

/// Percent-encodes every byte of `key` that is not an HTTP token character, and `%` itself,
/// so the API server can decode the original key (`Impersonate-Extra-` keys are case-insensitive
/// header names; the server unescapes them as a URL path segment).
fn escape_header_key(key: &str) -> String {
    let mut escaped = String::with_capacity(key.len());
    for byte in key.bytes() {
        let is_token = byte.is_ascii_alphanumeric() || b"!#$&'*+-.^_`|~".contains(&byte);
        if is_token {
            escaped.push(char::from(byte));
        } else {
            escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    escaped
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_token_characters_and_encodes_the_rest() {
        assert_eq!(escape_header_key("scopes"), "scopes");
        assert_eq!(escape_header_key("example.com/team"), "example.com%2Fteam");
        assert_eq!(escape_header_key("100%"), "100%25");
        assert_eq!(escape_header_key("a b"), "a%20b");
        assert_eq!(escape_header_key("é"), "%C3%A9");
    }

    #[test]
    fn every_impersonation_field_becomes_headers() {
        let mut impersonate = Impersonation {
            user: Some("jane".into()),
            uid: Some("1234".into()),
            groups: vec!["devs".into(), "ops".into()],
            ..Impersonation::default()
        };
        impersonate.extra.insert(
            "example.com/scopes".into(),
            vec!["read".into(), "write".into()],
        );
        let headers = impersonation_headers(&impersonate).unwrap();
        let pairs: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let expected = [
            ("impersonate-user", "jane"),
            ("impersonate-uid", "1234"),
            ("impersonate-group", "devs"),
            ("impersonate-group", "ops"),
            ("impersonate-extra-example.com%2fscopes", "read"),
            ("impersonate-extra-example.com%2fscopes", "write"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn a_value_with_a_newline_is_a_config_error() {
        let impersonate = Impersonation {
            user: Some("evil\nheader".into()),
            ..Impersonation::default()
        };
        assert!(matches!(
            impersonation_headers(&impersonate),
            Err(ConfigError::Impersonation(_))
        ));
    }
}
