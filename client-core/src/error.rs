//! The client's error type: the server's `Status`, or what went wrong on the way.
//!
//! Every variant that comes from a request carries its verb and URL path (never
//! the query, which may hold a continue token, and never a credential).

use std::fmt;

use crate::Status;
use crate::auth::AuthError;
use crate::config::ConfigError;
use crate::watch::FrameError;

/// A `Result` with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a request went: its verb and URL path (no query, no credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget {
    /// The HTTP method (`GET`, `POST`, ...).
    pub verb: http::Method,
    /// The URL path, such as `/apis/stable.example.com/v1/namespaces/default/crontabs/foo`.
    pub path: String,
}

impl fmt::Display for RequestTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.path)
    }
}

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a `Status` failure (NotFound, Conflict, ...).
    #[error("{target}: {status}")]
    Api {
        /// The request.
        target: RequestTarget,
        /// The server's `Status`.
        status: Box<Status>,
    },
    /// The server answered with an error that is not a `Status` (such as the
    /// plain-text `404 page not found`).
    #[error("{target}: HTTP {code}: {body}")]
    Http {
        /// The request.
        target: RequestTarget,
        /// The HTTP status code.
        code: u16,
        /// The start of the body, as text.
        body: String,
    },
    /// The request could not be sent or its answer not received.
    #[error("{target}: {kind}")]
    Transport {
        /// The request.
        target: RequestTarget,
        /// What kind of transport failure.
        kind: TransportErrorKind,
        /// The underlying error, its URL stripped.
        #[source]
        source: reqwest::Error,
    },
    /// The request did not finish within its timeout.
    #[error("{target}: timed out after {after:?}")]
    Timeout {
        /// The request.
        target: RequestTarget,
        /// The timeout that expired.
        after: std::time::Duration,
    },
    /// The answer's body is larger than the client reads
    /// ([`crate::Config::max_response_bytes`]).
    #[error("{target}: the response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The request.
        target: RequestTarget,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The answer was not the JSON that was expected.
    #[error("{target}: cannot decode {what}: {source}")]
    Decode {
        /// The request.
        target: RequestTarget,
        /// What was being decoded (a type name).
        what: &'static str,
        /// The JSON error, with its line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An object could not be encoded into a request body.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// A watch stream carried something that is not a watch event.
    #[error("{target}: watch stream: {source}")]
    Watch {
        /// The request.
        target: RequestTarget,
        /// What was wrong with the stream.
        #[source]
        source: FrameError,
    },
    /// The request was malformed before anything was sent (a bad path segment).
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] RequestError),
    /// The configuration could not be loaded or used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Credentials could not be obtained.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

/// What kind of transport failure a [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Connecting (TCP, TLS, proxy) failed.
    Connect,
    /// The connection was reset or closed before the answer was complete.
    ConnectionReset,
    /// The body of the answer could not be read.
    Body,
    /// Anything else reqwest reports.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "cannot connect",
            Self::ConnectionReset => "connection reset or closed early",
            Self::Body => "cannot read the response body",
            Self::Other => "transport error",
        })
    }
}

/// A request that is wrong before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A path segment (namespace, resource, name, subresource) is not allowed.
    #[error("{segment} {value:?} is not a valid path segment: {reason}")]
    InvalidSegment {
        /// Which segment (`namespace`, `name`, ...).
        segment: &'static str,
        /// The value given.
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A header name or value is not valid HTTP.
    #[error("invalid header {0:?}")]
    InvalidHeader(String),
    /// The server URL cannot take a path.
    #[error("the server URL {0:?} cannot be a base for API paths")]
    InvalidBaseUrl(String),
    /// A request needs a resource (or an absolute path) and has none.
    #[error("the request names no resource")]
    MissingResource,
    /// A named operation (get, update, delete) was built without a name.
    #[error("{0} needs an object name")]
    MissingName(&'static str),
    /// A namespaced object was addressed with an empty namespace (or a write
    /// went through an all-namespaces client). Unlike client-go's
    /// `Pods("")`, an empty namespace does not mean "all namespaces".
    #[error(
        "this operation needs a namespace: an empty namespace is not \"all namespaces\"; \
         to list or watch every namespace use the `*_all()` getter (`pods_all()`, not `pods(\"\")`)"
    )]
    MissingNamespace,
}

impl Error {
    /// The server's `Status`, when the error carries one.
    pub fn status(&self) -> Option<&Status> {
        match self {
            Self::Api { status, .. } => Some(status),
            _ => None,
        }
    }

    /// The HTTP status code of an answer, when there was one.
    pub fn code(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } if status.code != 0 => Some(status.code),
            Self::Http { code, .. } => Some(*code),
            _ => None,
        }
    }

    fn status_or_code(&self, by_status: fn(&Status) -> bool, code: u16) -> bool {
        match self {
            Self::Api { status, .. } => by_status(status),
            Self::Http { code: c, .. } => *c == code,
            _ => false,
        }
    }

    /// 404 NotFound (apimachinery's `IsNotFound`).
    pub fn is_not_found(&self) -> bool {
        self.status_or_code(Status::is_not_found, 404)
    }

    /// 409 AlreadyExists; matches the reason only (409 is shared with Conflict).
    pub fn is_already_exists(&self) -> bool {
        self.status().is_some_and(Status::is_already_exists)
    }

    /// 409 Conflict: a stale resourceVersion or a failed precondition.
    pub fn is_conflict(&self) -> bool {
        self.status_or_code(Status::is_conflict, 409)
    }

    /// 422 Invalid.
    pub fn is_invalid(&self) -> bool {
        self.status_or_code(Status::is_invalid, 422)
    }

    /// 410 Gone.
    pub fn is_gone(&self) -> bool {
        self.status_or_code(Status::is_gone, 410)
    }

    /// 410 Expired (a too-old resourceVersion or continue token); matches the reason only.
    pub fn is_expired(&self) -> bool {
        self.status().is_some_and(Status::is_expired)
    }

    /// 403 Forbidden.
    pub fn is_forbidden(&self) -> bool {
        self.status_or_code(Status::is_forbidden, 403)
    }

    /// 401 Unauthorized.
    pub fn is_unauthorized(&self) -> bool {
        self.status_or_code(Status::is_unauthorized, 401)
    }

    /// 429 TooManyRequests.
    pub fn is_too_many_requests(&self) -> bool {
        self.status_or_code(Status::is_too_many_requests, 429)
    }

    /// 504 Timeout from the server, or a client-side timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. }) || self.status_or_code(Status::is_timeout, 504)
    }
}
