//! The request log tests read: method, path, query, content type and body.
//! Credentials are never recorded (no headers besides the content type).

use std::collections::VecDeque;
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

/// How many requests the log keeps; older ones are dropped first, so a
/// long-running server or a benchmark does not grow without bound.
pub(crate) const CAPACITY: usize = 10_000;

/// The log of the last 10 000 requests; cheap to clone.
#[derive(Clone, Default)]
pub struct RequestLog {
    entries: Arc<Mutex<VecDeque<LoggedRequest>>>,
}

impl RequestLog {
    pub(crate) fn push(&self, r: LoggedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(r);
    }

    /// The requests kept (the last 10 000), oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_entries() {
        let log = RequestLog::default();
        for i in 0..CAPACITY + 5 {
            log.push(LoggedRequest {
                method: "GET".into(),
                path: format!("/{i}"),
                query: String::new(),
                content_type: None,
                authorization: None,
                body: String::new(),
            });
        }
        let all = log.all();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].path, "/5");
        assert_eq!(all[CAPACITY - 1].path, format!("/{}", CAPACITY + 4));
    }
}
