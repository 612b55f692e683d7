//! The create-only virtual resources: nothing is stored, the answer is the
//! request with a `status`, as kube-apiserver answers them.
//!
//! Authorization is not enforced (every authenticated request may do
//! anything; RBAC objects are stored, never consulted), so every access
//! review answers `allowed: true` and the rules review answers `*` rules.
//! The server's user is [`SERVER_USER`] in `system:masters`. TokenReview
//! accepts the tokens `serviceaccounts/token` issued here; `bindings` binds
//! a pod as `pods/binding` does.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::str_at;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;

/// The user every authenticated request acts as.
pub(crate) const SERVER_USER: &str = "client-testserver";

/// The groups of [`SERVER_USER`].
const SERVER_GROUPS: [&str; 2] = ["system:masters", "system:authenticated"];

/// Which virtual resource a row is.
pub(crate) enum Review {
    /// `authorization.k8s.io` SelfSubjectAccessReview.
    SelfAccess,
    /// SubjectAccessReview and LocalSubjectAccessReview.
    Access,
    /// SelfSubjectRulesReview.
    SelfRules,
    /// `authentication.k8s.io` SelfSubjectReview.
    SelfSubject,
    /// TokenReview.
    Token,
    /// core `bindings`.
    Binding,
}

/// The hooks of each virtual resource.
pub(crate) static SELF_ACCESS: Review = Review::SelfAccess;
/// See [`Review::Access`].
pub(crate) static ACCESS: Review = Review::Access;
/// See [`Review::SelfRules`].
pub(crate) static SELF_RULES: Review = Review::SelfRules;
/// See [`Review::SelfSubject`].
pub(crate) static SELF_SUBJECT: Review = Review::SelfSubject;
/// See [`Review::Token`].
pub(crate) static TOKEN: Review = Review::Token;
/// See [`Review::Binding`].
pub(crate) static BINDING: Review = Review::Binding;

/// The hooks of the virtual row `group`/`plural`, if it is one.
pub(crate) fn hooks_of(group: &str, plural: &str) -> Option<&'static Review> {
    Some(match (group, plural) {
        ("authorization.k8s.io", "selfsubjectaccessreviews") => &SELF_ACCESS,
        ("authorization.k8s.io", "subjectaccessreviews" | "localsubjectaccessreviews") => &ACCESS,
        ("authorization.k8s.io", "selfsubjectrulesreviews") => &SELF_RULES,
        ("authentication.k8s.io", "selfsubjectreviews") => &SELF_SUBJECT,
        ("authentication.k8s.io", "tokenreviews") => &TOKEN,
        ("", "bindings") => &BINDING,
        _ => return None,
    })
}

/// `body` with `status` set and the server-set metadata of an object never
/// stored.
fn answered(body: &Value, status: Value) -> Value {
    let mut out = body.clone();
    if let Value::Object(o) = &mut out {
        let meta = o.entry("metadata").or_insert_with(|| json!({}));
        if let Value::Object(m) = meta {
            m.insert("creationTimestamp".into(), Value::Null);
        }
        o.insert("status".into(), status);
    }
    out
}

/// `ValidateSubjectAccessReviewSpec`'s first rule: exactly one of
/// `resourceAttributes` and `nonResourceAttributes`.
fn check_attributes(kind: &ResourceKind, body: &Value) -> Result<(), ApiError> {
    let spec = body.get("spec");
    let has = |f: &str| spec.and_then(|s| s.get(f)).is_some_and(|v| !v.is_null());
    if has("resourceAttributes") == has("nonResourceAttributes") {
        let value = spec
            .and_then(|s| s.get("nonResourceAttributes"))
            .map_or_else(|| "null".to_string(), Value::to_string);
        return Err(ApiError::invalid(
            &kind.group,
            &kind.kind,
            "",
            &[(
                "spec.resourceAttributes".into(),
                format!(
                    "Invalid value: {value}: exactly one of nonResourceAttributes or resourceAttributes must be specified"
                ),
            )],
        ));
    }
    Ok(())
}

impl KindHooks for Review {
    fn answer_create(
        &self,
        backend: &Backend,
        kind: &ResourceKind,
        ns: Option<&str>,
        body: &Value,
    ) -> Option<Result<Value, ApiError>> {
        Some(match self {
            Review::SelfAccess | Review::Access => check_attributes(kind, body).and_then(|()| {
                if kind.namespaced
                    && let Some(asked) = str_at(body, "/spec/resourceAttributes/namespace")
                    && Some(asked) != ns
                {
                    return Err(ApiError::bad_request(format!(
                        "spec.resourceAttributes.namespace must match namespace: {}",
                        ns.unwrap_or_default()
                    )));
                }
                Ok(answered(
                    body,
                    json!({"allowed": true, "reason": "the test server does not enforce authorization"}),
                ))
            }),
            Review::SelfRules => Ok(answered(
                body,
                json!({
                    "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                    "incomplete": false,
                }),
            )),
            Review::SelfSubject => Ok(answered(
                body,
                json!({"userInfo": {"username": SERVER_USER, "groups": SERVER_GROUPS}}),
            )),
            Review::Token => {
                let token = str_at(body, "/spec/token").unwrap_or_default();
                let status = match backend.token_subject(token) {
                    Some((ns, name, uid, audiences)) => json!({
                        "authenticated": true,
                        "user": {
                            "username": format!("system:serviceaccount:{ns}:{name}"),
                            "uid": uid,
                            "groups": ["system:serviceaccounts", format!("system:serviceaccounts:{ns}"), "system:authenticated"],
                        },
                        "audiences": audiences,
                    }),
                    None => json!({"authenticated": false, "user": {}, "error": "invalid bearer token"}),
                };
                Ok(answered(body, status))
            }
            Review::Binding => {
                let name = str_at(body, "/metadata/name").unwrap_or_default();
                backend.bind_pod(ns, name, body, false)
            }
        })
    }
}
