//! `Status` decoding and apimachinery's predicates.

use crate::{Status, StatusReason};

fn status(reason: &str, code: u16) -> Status {
    Status {
        status: Some("Failure".into()),
        reason: reason.into(),
        code,
        ..Status::default()
    }
}

type Predicate = fn(&Status) -> bool;

/// Every predicate with its reason and the code it falls back to (`None`: reason only).
fn predicates() -> Vec<(&'static str, Predicate, StatusReason, Option<u16>)> {
    vec![
        (
            "not_found",
            Status::is_not_found,
            StatusReason::NotFound,
            Some(404),
        ),
        (
            "already_exists",
            Status::is_already_exists,
            StatusReason::AlreadyExists,
            None,
        ),
        (
            "conflict",
            Status::is_conflict,
            StatusReason::Conflict,
            Some(409),
        ),
        (
            "invalid",
            Status::is_invalid,
            StatusReason::Invalid,
            Some(422),
        ),
        ("gone", Status::is_gone, StatusReason::Gone, Some(410)),
        ("expired", Status::is_expired, StatusReason::Expired, None),
        (
            "forbidden",
            Status::is_forbidden,
            StatusReason::Forbidden,
            Some(403),
        ),
        (
            "unauthorized",
            Status::is_unauthorized,
            StatusReason::Unauthorized,
            Some(401),
        ),
        (
            "too_many_requests",
            Status::is_too_many_requests,
            StatusReason::TooManyRequests,
            Some(429),
        ),
        (
            "timeout",
            Status::is_timeout,
            StatusReason::Timeout,
            Some(504),
        ),
        (
            "server_timeout",
            Status::is_server_timeout,
            StatusReason::ServerTimeout,
            None,
        ),
        (
            "bad_request",
            Status::is_bad_request,
            StatusReason::BadRequest,
            Some(400),
        ),
        (
            "method_not_supported",
            Status::is_method_not_supported,
            StatusReason::MethodNotAllowed,
            Some(405),
        ),
        (
            "not_acceptable",
            Status::is_not_acceptable,
            StatusReason::NotAcceptable,
            Some(406),
        ),
        (
            "unsupported_media_type",
            Status::is_unsupported_media_type,
            StatusReason::UnsupportedMediaType,
            Some(415),
        ),
        (
            "request_entity_too_large",
            Status::is_request_entity_too_large,
            StatusReason::RequestEntityTooLarge,
            Some(413),
        ),
        (
            "service_unavailable",
            Status::is_service_unavailable,
            StatusReason::ServiceUnavailable,
            Some(503),
        ),
        (
            "internal_error",
            Status::is_internal_error,
            StatusReason::InternalError,
            Some(500),
        ),
    ]
}

#[test]
fn each_predicate_matches_its_reason_and_only_its_reason() {
    for (name, pred, reason, _) in predicates() {
        for other in StatusReason::ALL {
            // Any code: a known reason decides alone.
            for code in [0, 200, 400, 404, 409, 410, 422, 429, 500, 504] {
                let s = status(other.as_str(), code);
                assert_eq!(
                    pred(&s),
                    other == reason,
                    "{name} with reason {other} code {code}"
                );
            }
        }
    }
}

#[test]
fn code_fallback_only_for_unknown_or_empty_reasons() {
    for (name, pred, _, fallback) in predicates() {
        for reason in ["", "SomethingNew", "notfound"] {
            for code in [
                0u16, 400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 500, 503, 504,
            ] {
                let s = status(reason, code);
                let want = fallback == Some(code);
                assert_eq!(pred(&s), want, "{name} with reason {reason:?} code {code}");
            }
        }
    }
}

#[test]
fn shared_codes_are_told_apart() {
    let exists = status("AlreadyExists", 409);
    assert!(exists.is_already_exists() && !exists.is_conflict());
    let conflict = status("Conflict", 409);
    assert!(conflict.is_conflict() && !conflict.is_already_exists());
    let bare_409 = status("", 409);
    assert!(bare_409.is_conflict() && !bare_409.is_already_exists());
    let expired = status("Expired", 410);
    assert!(expired.is_expired() && !expired.is_gone());
    let gone = status("Gone", 410);
    assert!(gone.is_gone() && !gone.is_expired());
    let bare_410 = status("", 410);
    assert!(bare_410.is_gone() && !bare_410.is_expired());
    // A known reason with a mismatched code: the reason wins.
    let nf = status("NotFound", 500);
    assert!(nf.is_not_found() && !nf.is_internal_error());
}

#[test]
fn reasons_round_trip_and_store_read_error_is_spelled_as_on_the_wire() {
    for r in StatusReason::ALL {
        assert_eq!(StatusReason::parse(r.as_str()), Some(r));
    }
    assert_eq!(StatusReason::StoreReadError.as_str(), "StorageReadError");
    assert_eq!(StatusReason::parse(""), None);
}

#[test]
fn decodes_a_full_status() {
    let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"Widget.example.com \"Bad\" is invalid: spec.size: Invalid value: -1: must be positive",
        "reason":"Invalid",
        "details":{"name":"Bad","group":"example.com","kind":"Widget","uid":"u1",
            "causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1","field":"spec.size"},
                      {"reason":"FieldValueRequired","field":"spec.name"}],
            "retryAfterSeconds":3},
        "code":422}"#;
    let s = Status::from_bytes(body).unwrap();
    assert!(s.is_invalid() && s.is_failure() && !s.is_success());
    assert_eq!(s.code, 422);
    let d = s.details.as_ref().unwrap();
    assert_eq!(d.name.as_deref(), Some("Bad"));
    assert_eq!(d.group.as_deref(), Some("example.com"));
    assert_eq!(d.kind.as_deref(), Some("Widget"));
    assert_eq!(d.uid.as_deref(), Some("u1"));
    assert_eq!(d.causes.len(), 2);
    assert_eq!(d.causes[0].reason.as_deref(), Some("FieldValueInvalid"));
    assert_eq!(d.causes[0].field.as_deref(), Some("spec.size"));
    assert_eq!(d.causes[1].message, None);
    assert_eq!(s.retry_after_seconds(), Some(3));
}

#[test]
fn expired_continue_carries_a_fresh_token() {
    let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{"continue":"fresh"},"status":"Failure","message":"The provided continue parameter is too old","reason":"Expired","code":410}"#;
    let s = Status::from_bytes(body).unwrap();
    assert!(s.is_expired());
    assert_eq!(s.metadata.continue_token(), Some("fresh"));
}

#[test]
fn success_status_from_a_delete() {
    let body = br#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"a","kind":"configmaps","uid":"x"}}"#;
    let s = Status::from_bytes(body).unwrap();
    assert!(s.is_success());
    assert_eq!(s.code, 0);
    assert!(!s.is_not_found() && !s.is_conflict());
}

#[test]
fn non_status_and_garbage_give_none() {
    let inputs: &[&[u8]] = &[
        b"",
        b"404 page not found\n",
        b"null",
        b"[]",
        b"42",
        b"\"Status\"",
        b"{",
        br#"{"kind":"Status""#,
        br#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}"#,
        br#"{"kind":"ConfigMap","code":404,"status":"Failure"}"#,
        br#"{"code":404}"#,
        br#"{"status":"Failure"}"#,
        br#"{"kind":"Status","code":"404"}"#,
        br#"{"kind":"Status","details":"x"}"#,
        b"\xff\xfe{}",
    ];
    for input in inputs {
        assert!(
            Status::from_bytes(input).is_none(),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn status_shaped_bodies_without_kind_are_accepted() {
    let s = Status::from_bytes(br#"{"status":"Failure","reason":"NotFound","code":404}"#).unwrap();
    assert!(s.is_not_found());
}

#[test]
fn out_of_range_and_null_fields_do_not_fail() {
    let s = Status::from_bytes(
        br#"{"kind":"Status","code":70000,"message":null,"reason":null,"metadata":null,"details":{"causes":null}}"#,
    )
    .unwrap();
    assert_eq!(s.code, 0);
    assert_eq!(s.message, "");
    let s = Status::from_bytes(br#"{"kind":"Status","code":-1}"#).unwrap();
    assert_eq!(s.code, 0);
}

#[test]
fn display_shows_message_reason_and_code() {
    let mut s = status("NotFound", 404);
    s.message = r#"configmaps "a" not found"#.into();
    assert_eq!(
        s.to_string(),
        r#"configmaps "a" not found (reason NotFound, code 404)"#
    );
    assert_eq!(
        status("", 500).to_string(),
        "the server reported a failure (code 500)"
    );
    assert_eq!(
        Status::default().to_string(),
        "the server reported a failure"
    );
}

#[test]
fn failure_from_a_bare_code_follows_client_go() {
    assert!(Status::failure(404, "404 page not found").is_not_found());
    assert_eq!(Status::failure(409, "").reason, "Conflict");
    assert_eq!(Status::failure(502, "").reason, "InternalError");
    assert_eq!(Status::failure(503, "").reason, "ServiceUnavailable");
    assert_eq!(Status::failure(410, "").reason, "");
    assert!(Status::failure(410, "").is_gone());
    assert_eq!(Status::failure(418, "").reason, "");
}

#[test]
fn serializes_with_go_omissions() {
    let s = status("NotFound", 404);
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}"#
    );
}

#[test]
fn server_status_round_trips_byte_for_byte() {
    let body = concat!(
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","#,
        r#""message":"Apply failed with 1 conflict: conflict with \"kubectl\": .spec.size","reason":"Conflict","#,
        r#""details":{"name":"w","group":"example.com","kind":"widgets","causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl\"","field":".spec.size"}]},"#,
        r#""code":409}"#
    );
    let s = Status::from_bytes(body.as_bytes()).unwrap();
    assert!(s.is_conflict());
    assert_eq!(serde_json::to_string(&s).unwrap(), body);
    assert_eq!(
        Status::from_bytes(&serde_json::to_vec(&s).unwrap()),
        Some(s)
    );
}
