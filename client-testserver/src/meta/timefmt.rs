//! RFC 3339 timestamps as kube-apiserver writes them: UTC, whole seconds, `Z`.
//!
//! `metadata.creationTimestamp` and `metadata.deletionTimestamp` carry second
//! precision on a real cluster (`2024-05-01T12:00:00Z`); clients parse them
//! with that layout, so fractional seconds are dropped here.

use jiff::Timestamp;

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now_rfc3339() -> String {
    format_rfc3339(Timestamp::now())
}

/// Formats `ts` as `YYYY-MM-DDTHH:MM:SSZ`, truncating fractional seconds.
pub(crate) fn format_rfc3339(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_whole_seconds_in_utc() {
        let ts: Timestamp = "2024-05-01T12:00:00.999999Z".parse().unwrap();
        assert_eq!(format_rfc3339(ts), "2024-05-01T12:00:00Z");
        let ts: Timestamp = "2024-05-01T14:30:05+02:00".parse().unwrap();
        assert_eq!(format_rfc3339(ts), "2024-05-01T12:30:05Z");
        assert_eq!(
            format_rfc3339(Timestamp::UNIX_EPOCH),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn now_round_trips() {
        let now = now_rfc3339();
        let parsed: Timestamp = now.parse().unwrap();
        assert_eq!(format_rfc3339(parsed), now);
        let diff = Timestamp::now().as_second() - parsed.as_second();
        assert!((0..=2).contains(&diff));
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn now_rfc3339_example() {
        let now = crate::meta::timefmt::now_rfc3339();
        assert_eq!(now.len(), 20);
        assert!(now.ends_with('Z'));
    }

    #[test]
    fn format_rfc3339_example() {
        let ts: jiff::Timestamp = "2024-05-01T12:00:00.987Z".parse().unwrap();
        assert_eq!(
            crate::meta::timefmt::format_rfc3339(ts),
            "2024-05-01T12:00:00Z"
        );
    }
}
