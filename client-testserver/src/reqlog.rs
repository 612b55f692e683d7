//! The request log tests read: method, path, query, content type and body.
//! Credentials are never recorded (no headers besides the content type).

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// One request as received.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path (percent-decoded segments are not applied).
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Whether an `Authorization` header was sent (its value is redacted).
    pub authorization: Option<String>,
    /// The body as (lossy) UTF-8.
    pub body: String,
}

/// The log; cheap to clone.
#[derive(Clone, Default)]
pub struct RequestLog {
    entries: Arc<Mutex<Vec<LoggedRequest>>>,
}

impl RequestLog {
    pub(crate) fn push(&self, r: LoggedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(r);
    }

    /// Every request so far, oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
