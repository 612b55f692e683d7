//! The API server's `Status` (`metav1.Status`) and apimachinery's error predicates.

use std::fmt;

use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use super::list::ListMeta;
use super::serde_util::null_as_default;

/// A status the API server returns for failures (and some successes, such as a delete).
///
/// `code` is the HTTP status code (`0` when the body has none). The predicates
/// follow apimachinery's `errors.IsX` exactly: each matches its
/// [`StatusReason`], and falls back to the HTTP code only when the reason is not
/// one apimachinery knows (empty or unrecognised). [`is_already_exists`] and
/// [`is_expired`] match the reason alone, since 409 and 410 are shared with
/// Conflict and Gone.
///
/// [`is_already_exists`]: Status::is_already_exists
/// [`is_expired`]: Status::is_expired
///
/// ```
/// use client_core::Status;
///
/// let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
///   "message":"configmaps \"foo\" not found","reason":"NotFound",
///   "details":{"name":"foo","kind":"configmaps"},"code":404}"#;
/// let status = Status::from_bytes(body).unwrap();
/// assert!(status.is_not_found());
/// assert_eq!(status.details.unwrap().name.as_deref(), Some("foo"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// `Success` or `Failure`; `None` when absent.
    #[serde(default)]
    pub status: Option<String>,
    /// A human-readable description.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
    /// A machine-readable reason such as `NotFound`; empty when unknown.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reason: String,
    /// Extra data about the failure, such as the object's name and field causes.
    #[serde(default)]
    pub details: Option<StatusDetails>,
    /// The HTTP status code; `0` when absent.
    #[serde(default, deserialize_with = "code_from_any_int")]
    pub code: u16,
    /// List metadata; an expired `continue` carries a fresh token here.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: ListMeta,
}

/// Writes the Status as the API server does: `kind` and `apiVersion` first, then
/// `metadata`, `status`, `message`, `reason`, `details` and `code`, leaving out
/// empty fields.
impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Status", 8)?;
        s.serialize_field("kind", "Status")?;
        s.serialize_field("apiVersion", "v1")?;
        s.serialize_field("metadata", &self.metadata)?;
        if let Some(status) = &self.status {
            s.serialize_field("status", status)?;
        }
        if !self.message.is_empty() {
            s.serialize_field("message", &self.message)?;
        }
        if !self.reason.is_empty() {
            s.serialize_field("reason", &self.reason)?;
        }
        if let Some(details) = &self.details {
            s.serialize_field("details", details)?;
        }
        if self.code != 0 {
            s.serialize_field("code", &self.code)?;
        }
        s.end()
    }
}

/// Details of a [`Status`] (`metav1.StatusDetails`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    /// The name of the object concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its API group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Its kind; for NotFound, AlreadyExists and Conflict this is the plural resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its uid, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Field-level causes, one per invalid field or conflicting manager.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub causes: Vec<StatusCause>,
    /// Seconds the client should wait before retrying, when the server says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<i32>,
}

/// One cause of a [`Status`] failure (`metav1.StatusCause`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCause {
    /// A machine-readable cause type such as `FieldValueInvalid` (Go's `Type`, `reason` on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The field path, such as `spec.replicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Reads any JSON integer; a code that does not fit a `u16` (or `null`) becomes `0`.
fn code_from_any_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    let code = Option::<i64>::deserialize(deserializer)?;
    Ok(code.and_then(|c| u16::try_from(c).ok()).unwrap_or(0))
}

/// The reasons apimachinery knows (`metav1.StatusReason*`, except the empty `Unknown`).
///
/// ```
/// use client_core::StatusReason;
///
/// assert_eq!(StatusReason::parse("NotFound"), Some(StatusReason::NotFound));
/// assert_eq!(StatusReason::NotFound.as_str(), "NotFound");
/// assert_eq!(StatusReason::parse(""), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusReason {
    /// 401: no valid credentials.
    Unauthorized,
    /// 403: the user may not do this.
    Forbidden,
    /// 404: the object (or its namespace) does not exist.
    NotFound,
    /// 409: an object with this name exists.
    AlreadyExists,
    /// 409: a write lost an optimistic-concurrency race.
    Conflict,
    /// 410: the resource is gone.
    Gone,
    /// 422: the object failed validation.
    Invalid,
    /// 500 (usually): the server could not finish in time; retry.
    ServerTimeout,
    /// 500: the storage could not read or decode the data.
    StoreReadError,
    /// 504: the request could not complete in the time given.
    Timeout,
    /// 429: rate limited; retry after `details.retryAfterSeconds`.
    TooManyRequests,
    /// 400: the request is malformed.
    BadRequest,
    /// 405: the verb is not supported on this resource.
    MethodNotAllowed,
    /// 406: no acceptable response media type.
    NotAcceptable,
    /// 413: the request body is too large.
    RequestEntityTooLarge,
    /// 415: the request media type is not supported.
    UnsupportedMediaType,
    /// 500: an internal error.
    InternalError,
    /// 410: the resource version or continue token is too old.
    Expired,
    /// 503: the service is unavailable.
    ServiceUnavailable,
}

impl StatusReason {
    /// Every known reason.
    pub const ALL: [StatusReason; 19] = [
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::AlreadyExists,
        Self::Conflict,
        Self::Gone,
        Self::Invalid,
        Self::ServerTimeout,
        Self::StoreReadError,
        Self::Timeout,
        Self::TooManyRequests,
        Self::BadRequest,
        Self::MethodNotAllowed,
        Self::NotAcceptable,
        Self::RequestEntityTooLarge,
        Self::UnsupportedMediaType,
        Self::InternalError,
        Self::Expired,
        Self::ServiceUnavailable,
    ];

    /// The reason as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden => "Forbidden",
            Self::NotFound => "NotFound",
            Self::AlreadyExists => "AlreadyExists",
            Self::Conflict => "Conflict",
            Self::Gone => "Gone",
            Self::Invalid => "Invalid",
            Self::ServerTimeout => "ServerTimeout",
            Self::StoreReadError => "StorageReadError",
            Self::Timeout => "Timeout",
            Self::TooManyRequests => "TooManyRequests",
            Self::BadRequest => "BadRequest",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::NotAcceptable => "NotAcceptable",
            Self::RequestEntityTooLarge => "RequestEntityTooLarge",
            Self::UnsupportedMediaType => "UnsupportedMediaType",
            Self::InternalError => "InternalError",
            Self::Expired => "Expired",
            Self::ServiceUnavailable => "ServiceUnavailable",
        }
    }

    /// The known reason spelled `reason`, or `None` (also for the empty `Unknown` reason).
    pub fn parse(reason: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == reason)
    }

    /// The reason client-go gives a response without a `Status` body, from its HTTP code.
    ///
    /// Mirrors apimachinery's `NewGenericServerResponse`, which any other 5xx
    /// makes an `InternalError`; `None` for the codes it leaves as an unknown
    /// reason. A 409 is `Conflict` here; client-go makes it `AlreadyExists`
    /// when the verb was POST, which the caller knows and this function does not.
    pub fn for_code(code: u16) -> Option<Self> {
        Some(match code {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            406 => Self::NotAcceptable,
            409 => Self::Conflict,
            415 => Self::UnsupportedMediaType,
            422 => Self::Invalid,
            429 => Self::TooManyRequests,
            503 => Self::ServiceUnavailable,
            504 => Self::Timeout,
            500.. => Self::InternalError,
            _ => return None,
        })
    }
}

impl fmt::Display for StatusReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Status {
    /// Decodes a response body as a `Status`, or `None` if it is not one.
    ///
    /// Accepts a JSON object whose `kind` is `Status`, or one without a `kind`
    /// that is Status-shaped: a non-zero `code` and `status` of `Success` or
    /// `Failure`. Anything else (another kind, plain text such as
    /// `404 page not found`, truncated JSON) gives `None`; this never panics.
    ///
    /// ```
    /// use client_core::Status;
    ///
    /// assert!(Status::from_bytes(b"404 page not found").is_none());
    /// assert!(Status::from_bytes(br#"{"kind":"ConfigMap","code":404}"#).is_none());
    /// let s = Status::from_bytes(br#"{"kind":"Status","code":410,"reason":"Expired"}"#).unwrap();
    /// assert!(s.is_expired() && !s.is_gone());
    /// ```
    pub fn from_bytes(body: &[u8]) -> Option<Status> {
        #[derive(Deserialize)]
        struct Probe {
            #[serde(default)]
            kind: Option<String>,
            #[serde(flatten)]
            status: Status,
        }
        // `flatten` is fine here: error bodies are small and off the hot path.
        let probe: Probe = serde_json::from_slice(body).ok()?;
        let is_status = match probe.kind.as_deref() {
            Some("Status") => true,
            Some(_) => false,
            None => {
                probe.status.code != 0
                    && matches!(probe.status.status.as_deref(), Some("Success" | "Failure"))
            }
        };
        is_status.then_some(probe.status)
    }

    /// A `Failure` status for a response that carried no `Status` body.
    ///
    /// The reason comes from the HTTP code as in client-go
    /// ([`StatusReason::for_code`]); `message` should be a short, secret-free
    /// description (such as the start of a plain-text body).
    ///
    /// ```
    /// use client_core::Status;
    ///
    /// let s = Status::failure(404, "404 page not found");
    /// assert!(s.is_not_found());
    /// assert_eq!(s.reason, "NotFound");
    /// ```
    pub fn failure(code: u16, message: impl Into<String>) -> Status {
        Status {
            status: Some("Failure".to_owned()),
            message: message.into(),
            reason: StatusReason::for_code(code)
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            code,
            ..Status::default()
        }
    }

    /// The reason, if it is one apimachinery knows.
    pub fn known_reason(&self) -> Option<StatusReason> {
        StatusReason::parse(&self.reason)
    }

    /// `true` if `status` is `Success`.
    pub fn is_success(&self) -> bool {
        self.status.as_deref() == Some("Success")
    }

    /// `true` if `status` is `Failure`.
    pub fn is_failure(&self) -> bool {
        self.status.as_deref() == Some("Failure")
    }

    /// The server's retry hint in seconds, from `details.retryAfterSeconds`.
    pub fn retry_after_seconds(&self) -> Option<i32> {
        self.details
            .as_ref()
            .and_then(|d| d.retry_after_seconds)
            .filter(|s| *s > 0)
    }

    /// apimachinery's rule: the reason matches, or the reason is unknown and the code matches.
    fn reason_or_code(&self, reason: StatusReason, code: u16) -> bool {
        match self.known_reason() {
            Some(known) => known == reason,
            None => self.code == code,
        }
    }

    /// NotFound (404): the object, or a namespace it needs, does not exist.
    pub fn is_not_found(&self) -> bool {
        self.reason_or_code(StatusReason::NotFound, 404)
    }

    /// AlreadyExists: the reason alone (409 is shared with Conflict).
    pub fn is_already_exists(&self) -> bool {
        self.known_reason() == Some(StatusReason::AlreadyExists)
    }

    /// Conflict (409): an optimistic-concurrency failure; re-read and retry.
    pub fn is_conflict(&self) -> bool {
        self.reason_or_code(StatusReason::Conflict, 409)
    }

    /// Invalid (422): validation failed; see `details.causes`.
    pub fn is_invalid(&self) -> bool {
        self.reason_or_code(StatusReason::Invalid, 422)
    }

    /// Gone (410).
    pub fn is_gone(&self) -> bool {
        self.reason_or_code(StatusReason::Gone, 410)
    }

    /// Expired: the reason alone (a 410 for a too-old resourceVersion or continue token).
    pub fn is_expired(&self) -> bool {
        self.known_reason() == Some(StatusReason::Expired)
    }

    /// Forbidden (403).
    pub fn is_forbidden(&self) -> bool {
        self.reason_or_code(StatusReason::Forbidden, 403)
    }

    /// Unauthorized (401).
    pub fn is_unauthorized(&self) -> bool {
        self.reason_or_code(StatusReason::Unauthorized, 401)
    }

    /// TooManyRequests (429).
    pub fn is_too_many_requests(&self) -> bool {
        self.reason_or_code(StatusReason::TooManyRequests, 429)
    }

    /// Timeout (504).
    pub fn is_timeout(&self) -> bool {
        self.reason_or_code(StatusReason::Timeout, 504)
    }

    /// ServerTimeout: the reason alone, as apimachinery's `IsServerTimeout`.
    pub fn is_server_timeout(&self) -> bool {
        self.known_reason() == Some(StatusReason::ServerTimeout)
    }

    /// BadRequest (400).
    pub fn is_bad_request(&self) -> bool {
        self.reason_or_code(StatusReason::BadRequest, 400)
    }

    /// MethodNotAllowed (405).
    pub fn is_method_not_supported(&self) -> bool {
        self.reason_or_code(StatusReason::MethodNotAllowed, 405)
    }

    /// NotAcceptable (406).
    pub fn is_not_acceptable(&self) -> bool {
        self.reason_or_code(StatusReason::NotAcceptable, 406)
    }

    /// UnsupportedMediaType (415).
    pub fn is_unsupported_media_type(&self) -> bool {
        self.reason_or_code(StatusReason::UnsupportedMediaType, 415)
    }

    /// RequestEntityTooLarge (413).
    pub fn is_request_entity_too_large(&self) -> bool {
        self.reason_or_code(StatusReason::RequestEntityTooLarge, 413)
    }

    /// ServiceUnavailable (503).
    pub fn is_service_unavailable(&self) -> bool {
        self.reason_or_code(StatusReason::ServiceUnavailable, 503)
    }

    /// InternalError (500).
    pub fn is_internal_error(&self) -> bool {
        self.reason_or_code(StatusReason::InternalError, 500)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = if self.message.is_empty() {
            "the server reported a failure"
        } else {
            self.message.as_str()
        };
        f.write_str(message)?;
        match (self.reason.is_empty(), self.code) {
            (true, 0) => Ok(()),
            (true, code) => write!(f, " (code {code})"),
            (false, 0) => write!(f, " (reason {})", self.reason),
            (false, code) => write!(f, " (reason {}, code {code})", self.reason),
        }
    }
}
