//! The options of a list or watch, decoded from the query string and
//! validated as kube-apiserver does: its parameter codec first (a value
//! that does not convert is a 400), then `ValidateListOptions` (422).

use std::time::Duration;

use crate::error::ApiError;
use crate::http::handlers::Query;

/// How long a list at a resourceVersion newer than the store's waits for
/// the store to catch up before answering 504 (kube-apiserver's watch
/// cache `blockTimeout`).
pub(crate) const FRESHNESS_WAIT: Duration = Duration::from_secs(3);

/// The decoded list and watch options.
#[derive(Debug, Default)]
pub(crate) struct ListQuery<'q> {
    /// `watch`.
    pub watch: bool,
    /// `limit` (0 or absent: no limit).
    pub limit: i64,
    /// `timeoutSeconds`.
    pub timeout_seconds: Option<i64>,
    /// `resourceVersion`, when not empty.
    pub resource_version: Option<&'q str>,
    /// `resourceVersionMatch`, when not empty.
    pub resource_version_match: Option<&'q str>,
    /// `continue`, when not empty.
    pub continue_token: Option<&'q str>,
    /// `sendInitialEvents`, when given.
    pub send_initial_events: Option<bool>,
    /// `allowWatchBookmarks`.
    pub allow_watch_bookmarks: bool,
}

/// apimachinery's conversion of a query value to a bool: absent is
/// false; `false` and `0` (any case) are false; anything else, the empty
/// string included, is true.
pub(crate) fn query_bool(value: Option<&str>) -> Option<bool> {
    value.map(|v| !(v == "0" || v.eq_ignore_ascii_case("false")))
}

/// apimachinery's conversion of a query value to an int64: Go's
/// `strconv.ParseInt` and its error text.
fn query_int(value: &str) -> Result<i64, ApiError> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "strconv.ParseInt: parsing \"{value}\": invalid syntax"
        )));
    }
    value.parse::<i64>().map_err(|_| {
        ApiError::bad_request(format!(
            "strconv.ParseInt: parsing \"{value}\": value out of range"
        ))
    })
}

impl<'q> ListQuery<'q> {
    /// Decodes the options (the parameter codec's step).
    ///
    /// # Errors
    /// 400 BadRequest when `limit` or `timeoutSeconds` is not an integer.
    pub(crate) fn decode(q: &'q Query) -> Result<ListQuery<'q>, ApiError> {
        let non_empty = |k: &str| q.get(k).filter(|v| !v.is_empty());
        Ok(ListQuery {
            watch: query_bool(q.get("watch")).unwrap_or(false),
            limit: match q.get("limit") {
                Some(v) => query_int(v)?,
                None => 0,
            },
            timeout_seconds: q.get("timeoutSeconds").map(query_int).transpose()?,
            resource_version: non_empty("resourceVersion"),
            resource_version_match: non_empty("resourceVersionMatch"),
            continue_token: non_empty("continue"),
            send_initial_events: query_bool(q.get("sendInitialEvents")),
            allow_watch_bookmarks: query_bool(q.get("allowWatchBookmarks")).unwrap_or(false),
        })
    }

    /// kube-apiserver's `ValidateListOptions` (list) and
    /// `validateWatchOptions` (watch), with the WatchList feature on.
    ///
    /// # Errors
    /// 422 Invalid on `ListOptions.meta.k8s.io`, one cause per rule broken.
    pub(crate) fn validate(&self) -> Result<(), ApiError> {
        const FIELD: &str = "resourceVersionMatch";
        let mut errs: Vec<(String, String)> = Vec::new();
        let matching = self.resource_version_match;
        if self.watch {
            if self.send_initial_events.is_some() && matching != Some("NotOlderThan") {
                forbid(
                    &mut errs,
                    FIELD,
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                );
            }
            if let Some(m) = matching {
                if self.send_initial_events.is_none() {
                    forbid(
                        &mut errs,
                        FIELD,
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    );
                }
                if m != "NotOlderThan" {
                    errs_unsupported(&mut errs, m, &["NotOlderThan"]);
                }
                if self.continue_token.is_some() {
                    errs.push((
                        FIELD.into(),
                        "Forbidden: resourceVersionMatch is forbidden when continue is provided"
                            .into(),
                    ));
                }
            }
        } else {
            if let Some(m) = matching {
                if self.resource_version.is_none() {
                    forbid(
                        &mut errs,
                        FIELD,
                        "resourceVersionMatch is forbidden unless resourceVersion is provided",
                    );
                }
                if self.continue_token.is_some() {
                    forbid(
                        &mut errs,
                        FIELD,
                        "resourceVersionMatch is forbidden when continue is provided",
                    );
                }
                if m != "Exact" && m != "NotOlderThan" {
                    errs_unsupported(&mut errs, m, &["Exact", "NotOlderThan", ""]);
                }
                if m == "Exact" && self.resource_version == Some("0") {
                    errs.push((
                        FIELD.into(),
                        "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""
                            .into(),
                    ));
                }
            }
            if self.send_initial_events.is_some() {
                errs.push((
                    "sendInitialEvents".into(),
                    "Forbidden: sendInitialEvents is forbidden for list".into(),
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("meta.k8s.io", "ListOptions", "", &errs))
        }
    }

    /// The resourceVersion as a revision.
    ///
    /// # Errors
    /// 400 BadRequest for a value that is not a revision (`abc`, `-1`,
    /// `1.5`). A deliberate divergence: kube-apiserver answers 500 with
    /// `resourceVersion: Invalid value` there (an open upstream bug).
    pub(crate) fn revision(&self) -> Result<Option<u64>, ApiError> {
        self.resource_version
            .map(|rv| {
                rv.parse::<u64>()
                    .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))
            })
            .transpose()
    }
}

fn forbid(errs: &mut Vec<(String, String)>, field: &str, why: &str) {
    errs.push((field.to_string(), format!("Forbidden: {why}")));
}

fn errs_unsupported(errs: &mut Vec<(String, String)>, value: &str, supported: &[&str]) {
    let list = supported
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    errs.push((
        "resourceVersionMatch".into(),
        format!("Unsupported value: \"{value}\": supported values: {list}"),
    ));
}

/// The 504 of a list at a revision the store has not reached after
/// [`FRESHNESS_WAIT`]: storage's `NewTooLargeResourceVersionError`.
pub(crate) fn too_large_resource_version(wanted: u64, current: u64) -> ApiError {
    let mut e = ApiError::new(
        504,
        "Timeout",
        format!("Timeout: Too large resource version: {wanted}, current: {current}"),
    );
    e.details = Some(Box::new(serde_json::json!({
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}]
    })));
    e.retry_after = Some(1);
    e
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn bounded_random_queries_decode_or_fail_typed() {
        // A bounded property test (seeded): any query string decodes, or
        // fails with a 400 (decode) or 422 (validation), never a panic.
        let keys = [
            "watch",
            "limit",
            "timeoutSeconds",
            "resourceVersion",
            "resourceVersionMatch",
            "continue",
            "sendInitialEvents",
            "allowWatchBookmarks",
            "x",
        ];
        let values = [
            "",
            "0",
            "1",
            "-1",
            "abc",
            "1.5",
            "Exact",
            "NotOlderThan",
            "true",
            "99999999999999999999",
        ];
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..3000 {
            let raw: Vec<String> = (0..rng.usize(0..6))
                .map(|_| {
                    format!(
                        "{}={}",
                        keys[rng.usize(0..keys.len())],
                        values[rng.usize(0..values.len())]
                    )
                })
                .collect();
            let q = Query::parse(&raw.join("&"));
            match ListQuery::decode(&q) {
                Ok(lq) => {
                    if let Err(e) = lq.validate() {
                        assert_eq!(e.code, 422);
                    }
                    if let Err(e) = lq.revision() {
                        assert_eq!(e.code, 400);
                    }
                }
                Err(e) => assert_eq!(e.code, 400),
            }
        }
    }

    #[test]
    fn go_conversions() {
        assert_eq!(query_bool(None), None);
        for t in ["", "true", "yes", "1", "TRUE"] {
            assert_eq!(query_bool(Some(t)), Some(true), "{t}");
        }
        for f in ["0", "false", "False"] {
            assert_eq!(query_bool(Some(f)), Some(false), "{f}");
        }
        assert_eq!(query_int("-3").unwrap(), -3);
        assert_eq!(query_int("+7").unwrap(), 7);
        for bad in ["abc", "", "1.5", "-"] {
            let e = query_int(bad).unwrap_err();
            assert_eq!(
                e.message,
                format!("strconv.ParseInt: parsing \"{bad}\": invalid syntax")
            );
        }
        assert!(
            query_int("99999999999999999999")
                .unwrap_err()
                .message
                .ends_with("value out of range")
        );
    }
}
