//! [`from_bytes`]: one JSON value from bytes, the way every body, frame and
//! list item is decoded.

use serde::de::{DeserializeOwned, Error as _};

/// Decodes `bytes` as a `T`: checked as UTF-8 once, then parsed as text
/// (`serde_json::from_slice` would check each string as it goes, which
/// costs more).
///
/// Only `from_str` is instantiated for `T`: bytes that are not UTF-8 get
/// their error from [`not_utf8`], which is not generic, so every decoded
/// type is compiled for one reader instead of two.
pub(crate) fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(error) => Err(not_utf8(bytes, error)),
    }
}

/// The error for bytes that are not UTF-8: `serde_json`'s own (`invalid
/// unicode code point`, or a syntax error before the bad bytes), with its
/// line and column, from parsing them as a `serde_json::Value` (one
/// instantiation for every type, on the error path only).
#[cold]
pub(crate) fn not_utf8(bytes: &[u8], error: std::str::Utf8Error) -> serde_json::Error {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(parsed) => parsed,
        Ok(_) => serde_json::Error::custom(format_args!(
            "invalid UTF-8 at byte {}",
            error.valid_up_to()
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn text_decodes_and_bad_bytes_are_errors_with_a_place() {
        let value: serde_json::Value = from_bytes(b"{\"a\":\"\\u00e9\xc3\xa9\"}").unwrap();
        assert_eq!(value["a"], "\u{e9}\u{e9}");
        // In a string: serde_json's own error, placed.
        let err = from_bytes::<serde_json::Value>(b"{\"a\":\n \"\xff\"}").unwrap_err();
        assert!(err.is_syntax() && err.line() == 2, "{err}");
        assert!(
            err.to_string().starts_with("invalid unicode code point"),
            "{err}"
        );
        // A syntax error before the bad bytes is reported as such, placed.
        let err = from_bytes::<serde_json::Value>(b"{\"a\" 1, \"\xff\"}").unwrap_err();
        assert!(err.is_syntax() && err.column() == 6, "{err}");
        // Bad bytes after the value: serde_json's trailing-characters error.
        let err = from_bytes::<serde_json::Value>(b"{\"a\": 1} \xff").unwrap_err();
        assert!(err.is_syntax(), "{err}");
    }
}
