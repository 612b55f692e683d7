//! The streaming list decoder against `List`'s own `Deserialize` (the
//! oracle): every split of the body, random bodies and chunkings, broken
//! bodies, and the bytes it holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::Value;

use super::{ListDecodeError, ListDecoder};
use crate::List;

/// Feeds `body` in the pieces that `cuts` (ascending offsets) make.
fn feed_cut(body: &[u8], cuts: &[usize]) -> Result<List<Value>, ListDecodeError> {
    let mut decoder = ListDecoder::new();
    let mut from = 0;
    for &cut in cuts.iter().chain(std::iter::once(&body.len())) {
        decoder.feed(&body[from..cut])?;
        from = cut;
    }
    decoder.finish()
}

/// What `List`'s `Deserialize` makes of the whole body.
fn oracle(body: &[u8]) -> Option<List<Value>> {
    serde_json::from_slice(body).ok()
}

const BODIES: &[&str] = &[
    r#"{"kind":"WidgetList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"abc","remainingItemCount":3},"items":[{"a":1},{"b":"x\"}]"},[1,2],"s",7,null,true]}"#,
    r#"{"items":[{"metadata":{"name":"n","labels":{"k":"v"}}}],"metadata":{"resourceVersion":"9"},"kind":"L"}"#,
    " \n{ \"items\" : null , \"metadata\" : null } \r\n",
    r#"{"metadata":{"resourceVersion":"1"}}"#,
    "{}",
    r#"{"items":[]}"#,
    r#"{"item\u0073":[{"\u00e9":"\u00e9"}],"x":{"items":[1]},"metadat\u0061":{"continue":"c"}}"#,
    "{\"items\":[ {\"a\":\"\u{e9}\u{1F600}\"} , [ ] , { } ],\"unknown\":[{\"deep\":[[[]]]}]}",
];

#[test]
fn every_split_of_a_body_decodes_as_the_whole() {
    for body in BODIES {
        let body = body.as_bytes();
        let whole = oracle(body).expect("a valid body");
        for cut in 0..=body.len() {
            assert_eq!(
                feed_cut(body, &[cut]).unwrap(),
                whole,
                "{body:?} cut at {cut}"
            );
        }
        for a in 0..=body.len() {
            for b in a..=body.len() {
                assert_eq!(feed_cut(body, &[a, b]).unwrap(), whole);
            }
        }
        let bytes: Vec<usize> = (0..=body.len()).collect();
        assert_eq!(feed_cut(body, &bytes).unwrap(), whole, "one byte at a time");
    }
}

#[test]
fn a_body_cut_short_is_an_error_at_every_point() {
    for body in BODIES {
        let body = body.trim_end().as_bytes();
        for end in 0..body.len() {
            let err = feed_cut(&body[..end], &[end / 2]).unwrap_err();
            assert!(
                matches!(err, ListDecodeError::Truncated { received } if received == end as u64),
                "{:?}: {err}",
                String::from_utf8_lossy(&body[..end])
            );
        }
    }
}

#[test]
fn malformed_bodies_are_typed_errors() {
    let cases: &[(&str, &str)] = &[
        ("[]", "expected `{` at byte 0"),
        (r#"{"items":[1,]}"#, "expected an item at byte 12"),
        (r#"{"items":[1 2]}"#, "expected `,` or `]` at byte 12"),
        (
            r#"{"items":[]} x"#,
            "expected the end of the body at byte 13",
        ),
        (r#"{"items":[],}"#, "expected a field name at byte 12"),
        (r#"{"items" []}"#, "expected `:` at byte 9"),
        (
            r#"{"items":[] "kind":"x"}"#,
            "expected `,` or `}` at byte 12",
        ),
        (r#"{"items":5}"#, "invalid type for `items` at byte 9"),
        (r#"{"items":{"a":1}}"#, "invalid type for `items` at byte 9"),
        (r#"{"items":[],"items":[]}"#, "duplicate field `items`"),
        (
            r#"{"metadata":{},"metadata":{}}"#,
            "duplicate field `metadata`",
        ),
        (r#"{"items":[{"a":nul}]}"#, "item 0"),
        (r#"{"items":[{},{"a":}]}"#, "item 1"),
        (r#"{"items":[{"a":[}]}]}"#, "item 0"),
        (
            r#"{"metadata":{"resourceVersion":5}}"#,
            "metadata at byte 12",
        ),
        (r#"{"kind":tru}"#, "field at byte 8"),
        ("{\"items\":[\"\u{0}\"]}", "item 0"),
    ];
    for &(body, wanted) in cases {
        assert!(
            oracle(body.as_bytes()).is_none(),
            "the oracle accepts {body}"
        );
        for cut in 0..=body.len() {
            let err = feed_cut(body.as_bytes(), &[cut]).unwrap_err();
            assert!(
                err.to_string().contains(wanted),
                "{body} cut at {cut}: {err}"
            );
        }
    }
    let not_utf8 = b"{\"items\":[\"\xff\"]}";
    let err = feed_cut(not_utf8, &[3]).unwrap_err();
    assert!(err.to_string().contains("item 0"), "{err}");
    let name_not_utf8 = b"{\"\xff\":1}";
    let err = feed_cut(name_not_utf8, &[]).unwrap_err();
    assert!(err.to_string().contains("field name at byte 1"), "{err}");
}

#[test]
fn a_string_never_closed_ends_as_truncated() {
    let body = format!(r#"{{"items":[{{"a":"{}"#, "x".repeat(10_000));
    let err = feed_cut(body.as_bytes(), &[5, 20, 4000]).unwrap_err();
    assert!(
        matches!(err, ListDecodeError::Truncated { received: 10_016 }),
        "{err}"
    );
}

#[test]
fn a_depth_bomb_stops_at_the_limit_without_holding_it() {
    let mut decoder = ListDecoder::<Value>::new();
    decoder.feed(br#"{"items":["#).unwrap();
    let bomb = vec![b'['; 1 << 20];
    let err = decoder.feed(&bomb).unwrap_err();
    assert!(
        matches!(err, ListDecodeError::TooDeep { offset: 138 }),
        "{err}"
    );
    // Inside an unknown field too, fed in small pieces.
    let mut decoder = ListDecoder::<Value>::new();
    decoder.feed(br#"{"x":"#).unwrap();
    let mut most = 0;
    let failed = bomb.chunks(7).find_map(|piece| {
        let fed = decoder.feed(piece).err();
        most = most.max(decoder.held());
        fed
    });
    assert!(matches!(failed, Some(ListDecodeError::TooDeep { .. })));
    assert!((100..200).contains(&most), "held {most}");
}

#[test]
fn it_holds_one_unfinished_item_at_most() {
    let item = format!(r#"{{"metadata":{{"name":"{}"}}}}"#, "n".repeat(300));
    let items = vec![item.as_str(); 200].join(",");
    let body = format!(r#"{{"kind":"L","metadata":{{"resourceVersion":"5"}},"items":[{items}]}}"#);
    for chunk in [1, 7, 64, 1000, 4096] {
        let mut decoder = ListDecoder::<Value>::new();
        let mut most = 0;
        for piece in body.as_bytes().chunks(chunk) {
            decoder.feed(piece).unwrap();
            most = most.max(decoder.held());
        }
        assert!(most <= item.len() + 1, "chunks of {chunk}: held {most}");
        let list = decoder.finish().unwrap();
        assert_eq!(list.items.len(), 200);
        assert_eq!(list.metadata.resource_version.as_deref(), Some("5"));
    }
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z\"\\\\{}\\[\\],:é😀 ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z\"]{0,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A list body with its fields in a random order, some left out, extra ones in.
fn list_body() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::collection::vec(json_value(), 0..6)),
        prop::option::of(("[0-9]{0,3}", prop::option::of("[a-z]{0,3}"))),
        prop::collection::vec(("[a-z]{1,5}", json_value()), 0..3),
        any::<u64>(),
        prop::bool::ANY,
    )
        .prop_map(|(items, meta, extra, order, pretty)| {
            let mut fields: Vec<(String, Value)> = extra;
            fields.retain(|(k, _)| k != "items" && k != "metadata");
            if let Some(items) = items {
                fields.push(("items".into(), Value::Array(items)));
            }
            if let Some((rv, token)) = meta {
                let mut m = serde_json::Map::new();
                m.insert("resourceVersion".into(), rv.into());
                if let Some(token) = token {
                    m.insert("continue".into(), token.into());
                }
                fields.push(("metadata".into(), Value::Object(m)));
            }
            let n = fields.len().max(1);
            fields.rotate_left(usize::try_from(order).unwrap_or(0) % n);
            let object = Value::Object(fields.into_iter().collect());
            if pretty {
                serde_json::to_string_pretty(&object).unwrap()
            } else {
                serde_json::to_string(&object).unwrap()
            }
        })
}

proptest! {
    #[test]
    fn random_bodies_in_random_pieces_decode_as_the_whole(
        body in list_body(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let bytes = body.as_bytes();
        let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let whole = oracle(bytes).expect("a valid body");
        prop_assert_eq!(feed_cut(bytes, &cuts).unwrap(), whole);
    }

    #[test]
    fn damaged_bodies_never_panic_and_agree_when_accepted(
        body in list_body(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(&b"{}[]\",: \\a0"[..]),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = body.into_bytes();
        let at = at.index(bytes.len());
        bytes[at] = byte;
        let cut = cut.index(bytes.len() + 1);
        if let Ok(list) = feed_cut(&bytes, &[cut]) {
            prop_assert_eq!(Some(list), oracle(&bytes));
        }
    }
}
