//! `ApiError`: a failure answered with a `meta/v1 Status` body, built with
//! the codes, reasons and messages kube-apiserver uses.

use serde_json::{Value, json};

/// An error answered as a `Status` object.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// The Status `reason` (may be empty).
    pub reason: String,
    /// The Status `message`.
    pub message: String,
    /// The Status `details`, if any.
    pub details: Option<Box<Value>>,
    /// Sent as `Retry-After` and `details.retryAfterSeconds`.
    pub retry_after: Option<u64>,
    /// A fresh continue token (expired continue errors).
    pub continue_token: Option<String>,
}

impl ApiError {
    /// An error with a code, reason and message.
    pub(crate) fn new(code: u16, reason: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.into(),
            details: None,
            retry_after: None,
            continue_token: None,
        }
    }

    fn with_details(mut self, group: &str, kind: &str, name: &str) -> ApiError {
        let mut d = serde_json::Map::new();
        if !name.is_empty() {
            d.insert("name".into(), json!(name));
        }
        if !group.is_empty() {
            d.insert("group".into(), json!(group));
        }
        d.insert("kind".into(), json!(kind));
        self.details = Some(Box::new(Value::Object(d)));
        self
    }

    /// 404 NotFound: `{gr} "name" not found`.
    pub(crate) fn not_found(group: &str, plural: &str, name: &str) -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", gr(group, plural)),
        )
        .with_details(group, plural, name)
    }

    /// 409 AlreadyExists: `{gr} "name" already exists`.
    pub(crate) fn already_exists(group: &str, plural: &str, name: &str) -> ApiError {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", gr(group, plural)),
        )
        .with_details(group, plural, name)
    }

    /// 409 Conflict for a stale resourceVersion.
    pub(crate) fn conflict(group: &str, plural: &str, name: &str) -> ApiError {
        ApiError::conflict_because(
            group,
            plural,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 409 Conflict with a specific explanation.
    pub(crate) fn conflict_because(group: &str, plural: &str, name: &str, why: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": {why}",
                gr(group, plural)
            ),
        )
        .with_details(group, plural, name)
    }

    /// 422 Invalid with one cause per field: `(field, message-after-field, cause reason)`.
    pub(crate) fn invalid(
        group: &str,
        kind: &str,
        name: &str,
        causes: &[(String, String)],
    ) -> ApiError {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let list: Vec<String> = causes.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        let joined = if list.len() == 1 {
            list[0].clone()
        } else {
            format!("[{}]", list.join(", "))
        };
        let mut e = ApiError::new(
            422,
            "Invalid",
            format!("{qualified} \"{name}\" is invalid: {joined}"),
        )
        .with_details(group, kind, name);
        let causes: Vec<Value> = causes
            .iter()
            .map(|(f, m)| {
                let reason = if m.starts_with("Invalid value") {
                    "FieldValueInvalid"
                } else if m.starts_with("Forbidden") {
                    "FieldValueForbidden"
                } else if m.starts_with("Required") {
                    "FieldValueRequired"
                } else if m.starts_with("Unsupported value") {
                    "FieldValueNotSupported"
                } else if m.starts_with("Duplicate value") {
                    "FieldValueDuplicate"
                } else {
                    "FieldValueInvalid"
                };
                json!({"reason": reason, "message": m, "field": f})
            })
            .collect();
        if let Some(Value::Object(d)) = e.details.as_deref_mut() {
            d.insert("causes".into(), Value::Array(causes));
        }
        e
    }

    /// 403 Forbidden: `{gr} "name" is forbidden: {why}` (`{gr} is forbidden:
    /// ...` without a name), as apimachinery's `NewForbidden`.
    pub(crate) fn forbidden(group: &str, plural: &str, name: &str, why: &str) -> ApiError {
        let subject = if name.is_empty() {
            gr(group, plural)
        } else {
            format!("{} \"{name}\"", gr(group, plural))
        };
        ApiError::new(403, "Forbidden", format!("{subject} is forbidden: {why}"))
            .with_details(group, plural, name)
    }

    /// Appends a `details.causes` entry.
    pub(crate) fn with_cause(mut self, reason: &str, message: &str, field: &str) -> ApiError {
        let details = self.details.get_or_insert_with(|| Box::new(json!({})));
        if let Value::Object(d) = details.as_mut() {
            let causes = d.entry("causes").or_insert_with(|| json!([]));
            if let Value::Array(a) = causes {
                a.push(json!({"reason": reason, "message": message, "field": field}));
            }
        }
        self
    }

    /// 400 BadRequest.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    /// 500 with an empty reason.
    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "", message)
    }

    /// 405 MethodNotAllowed.
    pub(crate) fn method_not_allowed(verb: &str, group: &str, plural: &str) -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "{verb} is not supported on resources of kind \"{}\"",
                gr(group, plural)
            ),
        )
    }

    /// 415 UnsupportedMediaType listing the accepted types.
    pub(crate) fn unsupported_media_type(accepted: &[&str]) -> ApiError {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: {}",
                accepted.join(", ")
            ),
        )
    }

    /// 405 MethodNotAllowed for a verb the resource does not serve, as
    /// kube-apiserver's router answers it (no details).
    pub(crate) fn method_not_allowed_here() -> ApiError {
        let mut e = ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        );
        e.details = Some(Box::new(json!({})));
        e
    }

    /// Replaces the message.
    pub(crate) fn with_message(mut self, m: String) -> ApiError {
        self.message = m;
        self
    }

    /// 410 Expired.
    pub(crate) fn expired(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", message)
    }

    /// 401 Unauthorized.
    pub(crate) fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized")
    }

    /// 413 RequestEntityTooLarge.
    pub(crate) fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {limit}"),
        )
    }

    /// 429 TooManyRequests with a Retry-After.
    pub(crate) fn too_many_requests(retry_after: u64) -> ApiError {
        let mut e = ApiError::new(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
        );
        e.retry_after = Some(retry_after);
        e.details = Some(Box::new(json!({"retryAfterSeconds": retry_after})));
        e
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut meta = serde_json::Map::new();
        if let Some(c) = &self.continue_token {
            meta.insert("continue".into(), json!(c));
        }
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": meta,
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let (Some(d), Value::Object(m)) = (&self.details, &mut s) {
            let mut d = (**d).clone();
            if let (Some(ra), Value::Object(dm)) = (self.retry_after, &mut d) {
                dm.insert("retryAfterSeconds".into(), json!(ra));
            }
            m.insert("details".into(), d);
        }
        s
    }
}

/// `plural.group`, or `plural` for the core group.
pub(crate) fn gr(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}
