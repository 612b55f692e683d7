//! Property tests: query escaping, metadata and time round trips.

use proptest::prelude::*;

use crate::{GetOptions, ListOptions, MicroTime, ObjectMeta, QueryParams, Time};

fn opt_string() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(".{0,12}")
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

prop_compose! {
    fn object_meta()(
        name in opt_string(),
        namespace in opt_string(),
        uid in opt_string(),
        resource_version in opt_string(),
        generation in proptest::option::of(any::<i64>()),
        creation in proptest::option::of(-62_135_596_800i64..253_402_300_799),
        grace in proptest::option::of(any::<i64>()),
        labels in proptest::collection::btree_map(".{0,8}", ".{0,8}", 0..4),
        finalizers in proptest::collection::vec(".{0,8}", 0..3),
    ) -> ObjectMeta {
        ObjectMeta {
            name,
            namespace,
            uid,
            resource_version,
            generation,
            creation_timestamp: creation.map(|s| Time(jiff::Timestamp::from_second(s).unwrap())),
            deletion_grace_period_seconds: grace,
            labels,
            finalizers,
            ..ObjectMeta::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn query_strings_decode_back_to_the_values(
        labels in ".{0,24}",
        fields in ".{0,24}",
        rv in ".{0,12}",
    ) {
        let opts = ListOptions::default().labels(labels.clone()).fields(fields.clone()).resource_version(rv.clone());
        let encoded = opts.to_query_string();
        // Only unreserved characters, `%XX` and `+` appear, as with Go's QueryEscape.
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%+=&".contains(&b)));
        let decoded: Vec<(String, String)> = form_urlencoded::parse(encoded.as_bytes()).into_owned().collect();
        let want: Vec<(String, String)> = opts
            .query_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        prop_assert_eq!(decoded, want);
        let get = GetOptions { resource_version: Some(rv.clone()) }.query_pairs();
        prop_assert_eq!(get.len(), usize::from(!rv.is_empty()));
    }

    #[test]
    fn object_meta_round_trips_with_go_omissions(meta in object_meta()) {
        let json = serde_json::to_string(&meta).unwrap();
        let back: ObjectMeta = serde_json::from_str(&json).unwrap();
        let normalized = ObjectMeta {
            name: non_empty(meta.name.clone()),
            namespace: non_empty(meta.namespace.clone()),
            uid: non_empty(meta.uid.clone()),
            resource_version: non_empty(meta.resource_version.clone()),
            generation: meta.generation.filter(|g| *g != 0),
            ..meta.clone()
        };
        prop_assert_eq!(back, normalized);
        // Re-encoding is stable.
        prop_assert_eq!(serde_json::to_string(&serde_json::from_str::<ObjectMeta>(&json).unwrap()).unwrap(), json);
    }

    #[test]
    fn times_round_trip_at_their_precision(
        seconds in -62_135_596_800i64..253_402_300_799,
        nanos in 0i32..1_000_000_000,
    ) {
        let ts = jiff::Timestamp::new(seconds, nanos).unwrap();
        let t = Time(ts);
        let back: Time = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        prop_assert_eq!(back.0.as_second(), ts.as_second() - i64::from(ts.subsec_nanosecond() < 0));
        prop_assert_eq!(back.0.subsec_nanosecond(), 0);
        let m = MicroTime(ts);
        let back: MicroTime = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        // Truncated in civil time, as Go does: towards the past before 1970.
        prop_assert_eq!(i128::from(back.0.as_microsecond()), ts.as_nanosecond().div_euclid(1000));
    }

    #[test]
    fn arbitrary_strings_never_panic_as_times(s in ".{0,40}") {
        let _ = s.parse::<Time>();
        let _ = s.parse::<MicroTime>();
    }

    #[test]
    fn labels_survive_any_content(labels in proptest::collection::btree_map(".{1,10}", ".{0,10}", 0..5)) {
        let meta = ObjectMeta { labels: labels.clone(), ..ObjectMeta::default() };
        let back: ObjectMeta = serde_json::from_str(&serde_json::to_string(&meta).unwrap()).unwrap();
        prop_assert_eq!(back.labels, labels);
    }
}
