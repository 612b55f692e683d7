//! Opaque `continue` tokens: base64 of the snapshot revision and the last
//! key served.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::storage::store::ObjectKey;

/// A decoded continue token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Token {
    /// The revision of the list's snapshot.
    pub rv: u64,
    /// The last (namespace, name) returned.
    pub key: ObjectKey,
}

/// Encodes a token.
pub(crate) fn encode(rv: u64, key: &ObjectKey) -> String {
    let t = Token {
        rv,
        key: key.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&t).unwrap_or_default())
}

/// Decodes a token; `None` when it is not one of ours.
pub(crate) fn decode(s: &str) -> Option<Token> {
    let b = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&b).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let k = ("ns".to_string(), "a".to_string());
        assert_eq!(decode(&encode(7, &k)), Some(Token { rv: 7, key: k }));
        assert_eq!(decode("not a token!"), None);
        assert_eq!(decode(""), None);
    }
}
