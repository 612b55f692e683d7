//! `meta/v1` DeleteOptions as the delete path reads them: the grace
//! period, the propagation policy (or the legacy `orphanDependents`), and
//! the finalizers the garbage collector's policy adds, as kube-apiserver's
//! `ValidateDeleteOptions`, `BeforeDelete` and the generic store's
//! `deletionFinalizersForGarbageCollection` decide them.

use serde_json::Value;

use crate::error::ApiError;

/// The finalizer that makes the garbage collector orphan the dependents.
pub(crate) const ORPHAN_FINALIZER: &str = "orphan";
/// The finalizer that makes the garbage collector delete the dependents first.
pub(crate) const FOREGROUND_FINALIZER: &str = "foregroundDeletion";

/// A propagation policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Propagation {
    /// `Foreground`: dependents go first.
    Foreground,
    /// `Background`: the object goes now, dependents after.
    Background,
    /// `Orphan`: dependents stay.
    Orphan,
}

/// The parts of a DeleteOptions body the delete path uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeleteOptions {
    /// `gracePeriodSeconds`; a negative value counts as 1, as in `BeforeDelete`.
    pub grace_period: Option<i64>,
    /// `propagationPolicy`, or `orphanDependents` turned into one.
    pub propagation: Option<Propagation>,
}

impl DeleteOptions {
    /// Reads and validates a DeleteOptions body (`{}` when none was sent).
    ///
    /// # Errors
    /// 422 Invalid (`DeleteOptions.meta.k8s.io "" is invalid: ...`) when
    /// both `orphanDependents` and `propagationPolicy` are set or the policy
    /// is unknown, as `ValidateDeleteOptions` refuses them.
    pub(crate) fn parse(body: &Value) -> Result<DeleteOptions, ApiError> {
        let policy = body.get("propagationPolicy").and_then(Value::as_str);
        let orphan = body.get("orphanDependents").and_then(Value::as_bool);
        let mut causes = Vec::new();
        if let (Some(p), Some(_)) = (policy, orphan) {
            causes.push((
                "propagationPolicy".to_string(),
                format!(
                    "Invalid value: {p:?}: orphanDependents and deletionPropagation cannot be both set"
                ),
            ));
        }
        let propagation = match policy {
            None => orphan.map(|o| {
                if o {
                    Propagation::Orphan
                } else {
                    Propagation::Background
                }
            }),
            Some("Foreground") => Some(Propagation::Foreground),
            Some("Background") => Some(Propagation::Background),
            Some("Orphan") => Some(Propagation::Orphan),
            Some(other) => {
                causes.push((
                    "propagationPolicy".to_string(),
                    format!(
                        "Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                    ),
                ));
                None
            }
        };
        if !causes.is_empty() {
            return Err(ApiError::invalid(
                "meta.k8s.io",
                "DeleteOptions",
                "",
                &causes,
            ));
        }
        let grace_period = body
            .get("gracePeriodSeconds")
            .and_then(Value::as_i64)
            .map(|g| if g < 0 { 1 } else { g });
        Ok(DeleteOptions {
            grace_period,
            propagation,
        })
    }

    /// The object's finalizers once the garbage collection policy is
    /// applied (`deletionFinalizersForGarbageCollection`): `orphan` and
    /// `foregroundDeletion` removed, then the one the policy asks for added.
    /// With no policy in the options, a finalizer already present decides,
    /// else the kind's default (`orphans_by_default`).
    pub(crate) fn finalizers(&self, current: &[String], orphans_by_default: bool) -> Vec<String> {
        let has = |f: &str| current.iter().any(|c| c == f);
        let (orphan, foreground) = match self.propagation {
            Some(Propagation::Orphan) => (true, false),
            Some(Propagation::Foreground) => (false, true),
            Some(Propagation::Background) => (false, false),
            None if has(ORPHAN_FINALIZER) => (true, false),
            None if has(FOREGROUND_FINALIZER) => (false, true),
            None => (orphans_by_default, false),
        };
        let mut out: Vec<String> = current
            .iter()
            .filter(|f| *f != ORPHAN_FINALIZER && *f != FOREGROUND_FINALIZER)
            .cloned()
            .collect();
        if orphan {
            out.push(ORPHAN_FINALIZER.into());
        }
        if foreground {
            out.push(FOREGROUND_FINALIZER.into());
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn policies_parse_and_conflicts_are_refused() {
        let o = DeleteOptions::parse(&json!({"propagationPolicy": "Orphan"})).unwrap();
        assert_eq!(o.propagation, Some(Propagation::Orphan));
        let o = DeleteOptions::parse(&json!({"orphanDependents": false})).unwrap();
        assert_eq!(o.propagation, Some(Propagation::Background));
        let o = DeleteOptions::parse(&json!({"gracePeriodSeconds": -5})).unwrap();
        assert_eq!(o.grace_period, Some(1));
        let e = DeleteOptions::parse(
            &json!({"propagationPolicy": "Foreground", "orphanDependents": true}),
        )
        .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Foreground\": orphanDependents and deletionPropagation cannot be both set"
        );
        let e = DeleteOptions::parse(&json!({"propagationPolicy": "Sideways"})).unwrap_err();
        assert!(
            e.message.contains("Unsupported value: \"Sideways\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn finalizers_follow_the_policy_then_the_object_then_the_default() {
        let none = DeleteOptions::default();
        assert_eq!(none.finalizers(&[], true), strings(&["orphan"]));
        assert!(none.finalizers(&[], false).is_empty());
        assert_eq!(
            none.finalizers(&strings(&["a", "foregroundDeletion"]), true),
            strings(&["a", "foregroundDeletion"])
        );
        let bg = DeleteOptions {
            propagation: Some(Propagation::Background),
            ..DeleteOptions::default()
        };
        assert_eq!(
            bg.finalizers(&strings(&["orphan", "a"]), true),
            strings(&["a"])
        );
        let fg = DeleteOptions {
            propagation: Some(Propagation::Foreground),
            ..DeleteOptions::default()
        };
        assert_eq!(
            fg.finalizers(&strings(&["orphan"]), false),
            strings(&["foregroundDeletion"])
        );
    }
}
