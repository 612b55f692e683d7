//! [`WatcherError`]: what went wrong, reported as an `Err` item while the watcher carries on.

use std::time::Duration;

use crate::Status;
use crate::error::Error;

/// An error a [`Watcher`](super::Watcher) reports.
///
/// Almost every error is transient: the watcher yields it for observability
/// (logs, metrics) and carries on by itself (retrying with backoff,
/// resuming or re-listing). Only an error for which
/// [`is_terminal`](WatcherError::is_terminal) holds ends the stream: a
/// request the client or the server calls malformed, which no retry can fix.
/// 401, 403 and 404 are retried like any other error, as client-go does:
/// permissions can be granted and a CRD installed while the watcher waits.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatcherError {
    /// A list request (one page) failed.
    #[error("listing failed")]
    List(#[source] Error),
    /// Opening a watch failed.
    #[error("opening a watch from resourceVersion {resource_version:?} failed")]
    WatchOpen {
        /// Where the watch was to start (`None` for a streaming list).
        resource_version: Option<String>,
        /// What the client reported.
        #[source]
        source: Error,
    },
    /// An open watch stream failed (transport error, malformed event).
    ///
    /// A malformed event is skipped: the change it carried does not reach
    /// the consumer (such an object would fail to decode in a list too).
    #[error("watch stream failed")]
    Stream(#[source] Error),
    /// The server ended a watch with an ERROR event other than 410.
    #[error("the server ended the watch: {0}")]
    ErrorEvent(Box<Status>),
    /// The resourceVersion to resume from is no longer in the server's
    /// history (410 Gone/Expired, as an HTTP error or an ERROR event): the
    /// watcher re-lists.
    #[error("resourceVersion {resource_version:?} is too old ({message}); re-listing")]
    Expired {
        /// The resourceVersion that was refused.
        resource_version: Option<String>,
        /// The server's message.
        message: String,
    },
    /// The server said nothing for the idle timeout: the connection is taken
    /// for dead and replaced.
    #[error("no answer from the server while {waiting_for} for {after:?}; reconnecting")]
    IdleTimeout {
        /// What the watcher was waiting for (`a list page`, `watch headers`, `a watch event`).
        waiting_for: &'static str,
        /// The idle timeout that expired.
        after: Duration,
    },
    /// The watch of a streaming list ended before the bookmark that completes
    /// its initial state; the list starts over.
    #[error("the watch ended before its initial events were complete")]
    InitialEventsIncomplete,
}

impl WatcherError {
    /// `true` for an error no retry can fix; the watcher ends after yielding it.
    ///
    /// These are a request the client refuses to build (an invalid namespace
    /// or selector segment) and a list or watch the server refuses as
    /// malformed (400 BadRequest, 422 Invalid: a bad selector).
    pub fn is_terminal(&self) -> bool {
        match self {
            Self::List(e) | Self::WatchOpen { source: e, .. } => is_malformed_request(e),
            _ => false,
        }
    }

    /// The client error underneath, when there is one.
    pub fn client_error(&self) -> Option<&Error> {
        match self {
            Self::List(e) | Self::WatchOpen { source: e, .. } | Self::Stream(e) => Some(e),
            _ => None,
        }
    }
}

pub(crate) fn is_malformed_request(e: &Error) -> bool {
    matches!(e, Error::InvalidRequest(_)) || matches!(e.code(), Some(400 | 422))
}

/// 410, whatever the reason (Gone, Expired, or a proxy's plain 410).
pub(crate) fn is_expired(e: &Error) -> bool {
    e.code() == Some(410) || e.is_gone() || e.is_expired()
}

/// The server's `Retry-After` hint, when it gave one.
pub(crate) fn retry_after(e: &Error) -> Option<Duration> {
    let seconds = e.status()?.retry_after_seconds()?;
    Some(Duration::from_secs(u64::try_from(seconds).ok()?))
}
