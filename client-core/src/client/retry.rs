//! When a request is sent again, as client-go decides it.
//!
//! - An answer of 429 or any 5xx that carries `Retry-After: N` is retried after
//!   N seconds, for any verb (the body is held as shared bytes and can be sent
//!   again), at most `max_retries` times.
//! - A connection reset or early close is retried only for GET: a POST may
//!   have reached the server, and sending it twice could create twice.

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::error::TransportErrorKind;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryDecision {
    /// Send again after this long.
    After(Duration),
    /// Give up and report the error.
    Stop,
}

impl RetryDecision {
    /// The decision for a transport failure of `kind` after `retries` retries.
    pub(crate) fn for_transport(
        method: &Method,
        kind: TransportErrorKind,
        retries: u32,
        max_retries: u32,
        delay: Duration,
    ) -> Self {
        if *method == Method::GET
            && kind == TransportErrorKind::ConnectionReset
            && retries < max_retries
        {
            Self::After(delay)
        } else {
            Self::Stop
        }
    }
}

/// The wait an answer asks for: `Retry-After` seconds on a 429 or 5xx, else `None`.
pub(crate) fn retry_after(status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
    if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
        return None;
    }
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

/// Sorts a reqwest error into the kinds that matter for retries and messages.
pub(crate) fn classify_transport(error: &reqwest::Error) -> TransportErrorKind {
    if is_connection_reset(error) {
        TransportErrorKind::ConnectionReset
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_body() || error.is_decode() {
        TransportErrorKind::Body
    } else {
        TransportErrorKind::Other
    }
}

/// client-go's `IsConnectionReset || IsProbableEOF`: a reset, an abort, a
/// broken pipe, or a connection closed before the answer was complete.
fn is_connection_reset(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            ) {
                return true;
            }
        }
        let text = err.to_string();
        if text.contains("connection closed before message completed")
            || text.contains("connection reset")
            || text.contains("unexpected end of file")
        {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from_str(retry_after).unwrap_or(HeaderValue::from_static("x")),
        );
        h
    }

    #[test]
    fn retry_after_only_on_429_and_5xx() {
        assert_eq!(
            retry_after(StatusCode::TOO_MANY_REQUESTS, &headers("3")),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(StatusCode::SERVICE_UNAVAILABLE, &headers("1")),
            Some(Duration::from_secs(1))
        );
        assert_eq!(retry_after(StatusCode::CONFLICT, &headers("1")), None);
        assert_eq!(
            retry_after(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new()),
            None
        );
        assert_eq!(
            retry_after(StatusCode::TOO_MANY_REQUESTS, &headers("soon")),
            None
        );
    }

    #[test]
    fn resets_retry_only_gets() {
        let d = Duration::from_millis(5);
        let reset = TransportErrorKind::ConnectionReset;
        assert_eq!(
            RetryDecision::for_transport(&Method::GET, reset, 0, 10, d),
            RetryDecision::After(d)
        );
        assert_eq!(
            RetryDecision::for_transport(&Method::POST, reset, 0, 10, d),
            RetryDecision::Stop
        );
        assert_eq!(
            RetryDecision::for_transport(&Method::GET, reset, 10, 10, d),
            RetryDecision::Stop
        );
        assert_eq!(
            RetryDecision::for_transport(&Method::GET, TransportErrorKind::Connect, 0, 10, d),
            RetryDecision::Stop
        );
    }
}
