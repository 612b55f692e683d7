//! Watch framing and decoding: every split offset, errors, and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use proptest::prelude::*;

use super::{
    DEFAULT_MAX_FRAME_LEN, EventStream, FrameDecoder, FrameError, WatchError, decode_event,
};
use crate::test_fixtures::Widget;
use crate::{Status, WatchEvent};

/// A watch body as the API server writes it, with a blank line and a CRLF thrown in.
const STREAM: &str = concat!(
    r#"{"type":"ADDED","object":{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"default","resourceVersion":"10"},"spec":{"size":1}}}"#,
    "\n",
    r#"{"type":"MODIFIED","object":{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"default","resourceVersion":"11"},"spec":{"size":2}}}"#,
    "\r\n\n",
    r#"{"type":"DELETED","object":{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"default","resourceVersion":"12"},"spec":{"size":2}}}"#,
    "\n",
    r#"{"type":"BOOKMARK","object":{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}}"#,
    "\n",
    r#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (12)","reason":"Expired","code":410}}"#,
    "\n",
);

fn check_expected(events: &[WatchEvent<Widget>]) {
    assert_eq!(events.len(), 5);
    match &events[0] {
        WatchEvent::Added(w) => assert_eq!((w.metadata.name_str(), w.spec.size), ("a", 1)),
        other => panic!("expected ADDED, got {other:?}"),
    }
    assert!(matches!(&events[1], WatchEvent::Modified(w) if w.spec.size == 2));
    assert!(matches!(&events[2], WatchEvent::Deleted(_)));
    assert_eq!(events[2].resource_version(), Some("12"));
    match &events[3] {
        WatchEvent::Bookmark(b) => {
            assert_eq!(b.metadata.resource_version, "12");
            assert!(b.is_initial_events_end());
        }
        other => panic!("expected BOOKMARK, got {other:?}"),
    }
    match &events[4] {
        WatchEvent::Error(s) => {
            assert_eq!(s.code, 410);
            assert!(s.is_expired() && !s.is_gone());
        }
        other => panic!("expected ERROR, got {other:?}"),
    }
    assert_eq!(events[4].resource_version(), None);
}

fn decode_all(dec: &mut FrameDecoder, out: &mut Vec<WatchEvent<Widget>>) {
    while let Some(frame) = dec.next_frame().unwrap() {
        out.push(decode_event(&frame).unwrap());
    }
}

#[test]
fn whole_stream_in_one_chunk() {
    let mut dec = FrameDecoder::new();
    dec.push(STREAM.as_bytes());
    let mut events = Vec::new();
    decode_all(&mut dec, &mut events);
    dec.finish().unwrap();
    check_expected(&events);
}

#[test]
fn split_at_every_byte_offset() {
    let bytes = STREAM.as_bytes();
    for split in 0..=bytes.len() {
        let mut dec = FrameDecoder::new();
        let mut events = Vec::new();
        dec.push(&bytes[..split]);
        decode_all(&mut dec, &mut events);
        dec.push(&bytes[split..]);
        decode_all(&mut dec, &mut events);
        dec.finish().unwrap();
        check_expected(&events);
    }
}

#[test]
fn split_at_every_pair_of_offsets() {
    let bytes = STREAM.as_bytes();
    for a in (0..=bytes.len()).step_by(29) {
        for b in a..=bytes.len() {
            let mut dec = FrameDecoder::new();
            let mut events = Vec::new();
            for part in [&bytes[..a], &bytes[a..b], &bytes[b..]] {
                dec.push(part);
                decode_all(&mut dec, &mut events);
            }
            dec.finish().unwrap();
            check_expected(&events);
        }
    }
}

#[test]
fn one_byte_chunks_buffer_only_the_partial_frame() {
    let mut dec = FrameDecoder::new();
    let mut events = Vec::new();
    let longest_line = STREAM.lines().map(str::len).max().unwrap();
    for b in STREAM.as_bytes() {
        dec.push(std::slice::from_ref(b));
        decode_all(&mut dec, &mut events);
        assert!(dec.buffered_len() <= longest_line + 1);
    }
    assert_eq!(dec.buffered_len(), 0);
    dec.finish().unwrap();
    check_expected(&events);
}

#[test]
fn truncated_last_frame_is_a_typed_error() {
    let mut dec = FrameDecoder::new();
    dec.push(b"{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":\"MOD");
    assert!(dec.next_frame().unwrap().is_some());
    assert_eq!(dec.next_frame().unwrap(), None);
    assert_eq!(dec.finish(), Err(FrameError::Truncated { len: 12 }));

    // Trailing whitespace alone is not a truncated frame.
    let mut dec = FrameDecoder::new();
    dec.push(b"{}\n \r\n  ");
    assert!(dec.next_frame().unwrap().is_some());
    assert_eq!(dec.next_frame().unwrap(), None);
    assert_eq!(dec.finish(), Ok(()));
}

#[test]
fn blank_lines_only() {
    let mut dec = FrameDecoder::new();
    dec.push(b"\n\r\n \n\t\n\n");
    assert_eq!(dec.next_frame().unwrap(), None);
    dec.finish().unwrap();
}

#[test]
fn malformed_line_is_typed_and_the_decoder_continues() {
    let mut dec = FrameDecoder::new();
    dec.push(b"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\nnot json at all\n{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n");
    let first = dec.next_frame().unwrap().unwrap();
    assert!(matches!(
        decode_event::<Widget>(&first),
        Ok(WatchEvent::Added(_))
    ));
    let bad = dec.next_frame().unwrap().unwrap();
    let err = decode_event::<Widget>(&bad).unwrap_err();
    match &err {
        FrameError::Malformed { reason, excerpt } => {
            assert!(reason.starts_with("invalid JSON"), "{reason}");
            assert!(excerpt.starts_with("not json at all"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
    let third = dec.next_frame().unwrap().unwrap();
    assert!(matches!(
        decode_event::<Widget>(&third),
        Ok(WatchEvent::Deleted(_))
    ));
    dec.finish().unwrap();
}

#[test]
fn malformed_errors_do_not_leak_string_values() {
    let cases: &[&[u8]] = &[
        br#"{"type":"ADDED","object":{"kind":"Secret","data":{"password":"c2VjcmV0LXZhbHVl"}"#,
        br#"{"type":"ADDED","object":{"metadata":"c2VjcmV0LXZhbHVl"}}"#,
        br#"{"type":"c2VjcmV0LXZhbHVl","object":{}}"#,
        br#"{"object":{"metadata":{"name":"c2VjcmV0LXZhbHVl"}},"type":"c2VjcmV0LXZhbHVl"}"#,
        br#"{"type":"ADDED","object":{"metadata":{"name":"a"},"spec":{"size":"c2VjcmV0LXZhbHVl"}}}"#,
    ];
    for frame in cases {
        let err = decode_event::<Widget>(frame).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("c2VjcmV0"), "{text}");
        assert!(matches!(err, FrameError::Malformed { .. }));
    }
    // Keys and the event type stay readable.
    let err = decode_event::<Widget>(cases[0]).unwrap_err().to_string();
    assert!(
        err.contains(r#"{"type":"ADDED","object":{"kind":"Secret","data":{"password":"…""#),
        "{err}"
    );
}

#[test]
fn unknown_type_and_missing_fields_are_malformed() {
    for frame in [
        &br#"{"type":"UPSERTED","object":{}}"#[..],
        br#"{"object":{}}"#,
        br#"{"type":"ADDED"}"#,
        br#"{"type":"ADDED","type":"ADDED","object":{}}"#,
        br#"{"type":"ADDED","object":{},"object":{}}"#,
        br#"["ADDED",{}]"#,
        b"null",
    ] {
        let err = decode_event::<Widget>(frame).unwrap_err();
        assert!(matches!(err, FrameError::Malformed { .. }), "{err:?}");
    }
    let err = decode_event::<Widget>(br#"{"type":"UPSERTED","object":{}}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown variant `…`, expected one of `ADDED`"),
        "{err}"
    );
}

#[test]
fn object_before_type_and_extra_keys() {
    let ev: WatchEvent<Widget> = decode_event(
        br#"{"object":{"metadata":{"name":"z","resourceVersion":"3"},"spec":{"size":9}},"extra":[1,2],"type":"MODIFIED"}"#,
    )
    .unwrap();
    assert!(matches!(&ev, WatchEvent::Modified(w) if w.spec.size == 9));
    assert_eq!(ev.resource_version(), Some("3"));

    let ev: WatchEvent<Widget> =
        decode_event(br#"{"object":{"code":410,"reason":"Expired"},"type":"ERROR"}"#).unwrap();
    assert!(matches!(ev, WatchEvent::Error(s) if s.is_expired()));
}

#[test]
fn bookmark_without_initial_events_annotation() {
    let ev: WatchEvent<Widget> = decode_event(
        br#"{"type":"BOOKMARK","object":{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"resourceVersion":"77","creationTimestamp":null}}}"#,
    )
    .unwrap();
    let WatchEvent::Bookmark(b) = &ev else {
        panic!("{ev:?}")
    };
    assert!(!b.is_initial_events_end());
    assert_eq!(ev.resource_version(), Some("77"));
}

#[test]
fn events_serialize_and_decode_back() {
    let events = vec![
        WatchEvent::Added(Widget::new("a", 1)),
        WatchEvent::Error(Status::failure(410, "gone")),
    ];
    for ev in events {
        let json = serde_json::to_vec(&ev).unwrap();
        assert_eq!(decode_event::<Widget>(&json).unwrap(), ev);
    }
}

#[test]
fn too_large_frames_are_reported_and_skipped() {
    // A complete line over the limit.
    let mut dec = FrameDecoder::with_max_frame_len(8);
    dec.push(b"{\"a\":\"0123456789\"}\n{\"b\":1}\n");
    assert!(matches!(
        dec.next_frame(),
        Err(FrameError::TooLarge { len: 18, max: 8 })
    ));
    assert_eq!(
        dec.next_frame().unwrap().as_deref(),
        Some(&b"{\"b\":1}"[..])
    );

    // A partial line over the limit: reported once, its rest dropped as it arrives.
    let mut dec = FrameDecoder::with_max_frame_len(8);
    dec.push(b"{\"a\":\"0");
    assert_eq!(dec.next_frame().unwrap(), None);
    dec.push(b"123456789");
    assert!(matches!(
        dec.next_frame(),
        Err(FrameError::TooLarge { len: 16, max: 8 })
    ));
    assert_eq!(dec.buffered_len(), 0);
    dec.push(b"more and more");
    assert_eq!(dec.next_frame().unwrap(), None);
    assert_eq!(dec.buffered_len(), 0);
    dec.push(b"\"}\n{\"c\":2}\n");
    assert_eq!(
        dec.next_frame().unwrap().as_deref(),
        Some(&b"{\"c\":2}"[..])
    );
    assert_eq!(dec.next_frame().unwrap(), None);
    dec.finish().unwrap();
    assert_eq!(FrameDecoder::new().max_frame_len(), DEFAULT_MAX_FRAME_LEN);
}

#[derive(Debug, thiserror::Error)]
#[error("connection reset")]
struct Reset;

#[tokio::test]
async fn event_stream_over_chunks() {
    let bytes = Bytes::from_static(STREAM.as_bytes());
    let chunks: Vec<Result<Bytes, Reset>> = (0..bytes.len())
        .step_by(13)
        .map(|i| Ok(bytes.slice(i..(i + 13).min(bytes.len()))))
        .collect();
    let events: Vec<_> = EventStream::<_, Widget>::new(stream::iter(chunks))
        .map(|r| r.unwrap())
        .collect()
        .await;
    check_expected(&events);
}

#[tokio::test]
async fn event_stream_errors() {
    let chunks: Vec<Result<&[u8], Reset>> = vec![
        Ok(b"{\"type\":\"ADDED\",\"object\":{}}\ngarbage\n"),
        Ok(b"{\"type\":\"DELETED\",\"object\":{}}\n{\"type\""),
    ];
    let items: Vec<_> = EventStream::<_, serde_json::Value>::new(stream::iter(chunks))
        .collect()
        .await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(matches!(items[0], Ok(WatchEvent::Added(_))));
    assert!(matches!(
        items[1],
        Err(WatchError::Frame(FrameError::Malformed { .. }))
    ));
    assert!(matches!(items[2], Ok(WatchEvent::Deleted(_))));
    assert!(matches!(
        items[3],
        Err(WatchError::Frame(FrameError::Truncated { len: 7 }))
    ));

    let chunks: Vec<Result<&[u8], Reset>> = vec![
        Ok(b"{\"type\":\"ADDED\",\"object\":{}}\n"),
        Err(Reset),
        Ok(b"{\"type\":\"ADDED\",\"object\":{}}\n"),
    ];
    let items: Vec<_> = EventStream::<_, serde_json::Value>::new(stream::iter(chunks))
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(matches!(items[1], Err(WatchError::Transport(Reset))));
}

#[test]
fn event_stream_is_send_and_static() {
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    type Chunks = stream::Iter<std::vec::IntoIter<Result<Bytes, Reset>>>;
    let s = EventStream::<Chunks, Widget>::new(stream::iter(Vec::new()));
    assert_send_static(&s);
}

/// Splits `data` into chunks at the given (sorted, deduplicated) cut points.
fn chunks<'a>(data: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut prev = 0;
    for p in points.into_iter().chain([data.len()]) {
        out.push(&data[prev..p]);
        prev = p;
    }
    out
}

/// The non-blank trimmed lines of `data`, as the decoder should hand them out.
fn expected_lines(data: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut lines: Vec<Vec<u8>> = data
        .split(|b| *b == b'\n')
        .map(|l| l.trim_ascii().to_vec())
        .collect();
    let tail = lines.pop().unwrap_or_default();
    lines.retain(|l| !l.is_empty());
    (lines, tail)
}

/// Frames and `TooLarge` counts from a decoder fed with `push_bytes`,
/// drained after every push or (`drain_every` = 2) after every other one,
/// so that an undrained chunk is joined with the next.
fn frames_of(data: &[u8], cuts: &[usize], max: usize, drain_every: usize) -> (Vec<Vec<u8>>, usize) {
    let mut dec = FrameDecoder::with_max_frame_len(max);
    let (mut frames, mut too_large) = (Vec::new(), 0);
    let mut drain = |dec: &mut FrameDecoder, frames: &mut Vec<Vec<u8>>| loop {
        match dec.next_line() {
            Ok(Some(frame)) => frames.push(frame.to_vec()),
            Ok(None) => break,
            Err(_) => too_large += 1,
        }
    };
    for (i, chunk) in chunks(data, cuts).into_iter().enumerate() {
        dec.push_bytes(Bytes::copy_from_slice(chunk));
        if i % drain_every == 0 {
            drain(&mut dec, &mut frames);
        }
    }
    drain(&mut dec, &mut frames);
    (frames, too_large)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn undrained_chunks_are_joined_and_frame_alike(
        data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b' '), any::<u8>()], 0..400),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let (frames, too_large) = frames_of(&data, &cuts, DEFAULT_MAX_FRAME_LEN, 2);
        prop_assert_eq!(too_large, 0);
        prop_assert_eq!(frames, expected_lines(&data).0);
    }

    #[test]
    fn lent_frames_match_the_lines_whatever_the_chunking(
        data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b' '), any::<u8>()], 0..400),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        max in prop_oneof![Just(DEFAULT_MAX_FRAME_LEN), 1usize..64],
    ) {
        let (frames, _) = frames_of(&data, &cuts, max, 1);
        // Every complete line comes out trimmed, in order, except that a line
        // longer than the limit (counting its whitespace) may be dropped, and
        // one longer once trimmed always is.
        let mut raw: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
        raw.pop();
        let mut frames = frames.into_iter().peekable();
        for line in raw {
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            if frames.peek().map(Vec::as_slice) == Some(trimmed) && trimmed.len() <= max {
                frames.next();
            } else {
                prop_assert!(line.len() > max, "line {:?} lost", line);
            }
        }
        prop_assert_eq!(frames.next(), None);
    }

    #[test]
    fn framing_is_independent_of_chunking(
        data in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b' '), any::<u8>()], 0..400),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        max in prop_oneof![Just(DEFAULT_MAX_FRAME_LEN), 1usize..64],
    ) {
        let mut dec = FrameDecoder::with_max_frame_len(max);
        let mut frames = Vec::new();
        let mut too_large = 0;
        for chunk in chunks(&data, &cuts) {
            dec.push(chunk);
            loop {
                match dec.next_frame() {
                    Ok(Some(frame)) => {
                        prop_assert!(frame.len() <= max);
                        prop_assert!(!frame.is_empty());
                        // Every frame decodes to an event or a typed error, never a panic.
                        let _ = decode_event::<serde_json::Value>(&frame);
                        frames.push(frame.to_vec());
                    }
                    Ok(None) => break,
                    Err(FrameError::TooLarge { max: m, .. }) => {
                        prop_assert_eq!(m, max);
                        too_large += 1;
                    }
                    Err(other) => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            prop_assert!(dec.buffered_len() <= max + chunk.len());
        }
        let finish = dec.finish();
        let (lines, tail) = expected_lines(&data);
        if max == DEFAULT_MAX_FRAME_LEN {
            prop_assert_eq!(too_large, 0);
            prop_assert_eq!(&frames, &lines);
            match finish {
                Ok(()) => prop_assert!(tail.is_empty()),
                Err(FrameError::Truncated { len }) => prop_assert_eq!(len, tail.len()),
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        } else {
            // With a small limit, the frames that come out are exactly the short lines, in order.
            let short: Vec<Vec<u8>> = lines.iter().filter(|l| l.len() <= max).cloned().collect();
            prop_assert!(frames.iter().all(|f| short.contains(f)));
            let clean_end = matches!(finish, Ok(()) | Err(FrameError::Truncated { .. }));
            prop_assert!(clean_end);
        }
    }

    #[test]
    fn decode_event_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        match decode_event::<Widget>(&data) {
            Ok(_) => {}
            Err(FrameError::Malformed { excerpt, .. }) => prop_assert!(excerpt.chars().count() < 140),
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn decode_event_of_mutated_events_never_panics(
        idx in 0usize..5,
        pos in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let line = STREAM.lines().filter(|l| !l.trim().is_empty()).nth(idx).unwrap();
        let mut data = line.as_bytes().to_vec();
        let p = pos % data.len();
        data[p] = byte;
        let _ = decode_event::<Widget>(&data);
        let _ = Status::from_bytes(&data);
    }

    #[test]
    fn status_from_arbitrary_bytes_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Status::from_bytes(&data);
    }

    #[test]
    fn status_from_arbitrary_json_objects(
        kind in prop_oneof![Just("Status".to_owned()), Just("ConfigMap".to_owned()), "[A-Za-z]{0,8}"],
        code in any::<i64>(),
        reason in "[A-Za-z]{0,12}",
        status in prop_oneof![Just("Failure".to_owned()), Just("Success".to_owned()), "[a-z]{0,5}"],
    ) {
        let body = serde_json::json!({"kind": kind, "code": code, "reason": reason, "status": status});
        let parsed = Status::from_bytes(&serde_json::to_vec(&body).unwrap());
        prop_assert_eq!(parsed.is_some(), kind == "Status");
        if let Some(s) = parsed {
            prop_assert_eq!(i64::from(s.code), if (0..=65535).contains(&code) { code } else { 0 });
            prop_assert_eq!(s.reason, reason);
        }
    }
}

#[test]
fn dynamic_objects_decode_from_watch_frames_in_either_key_order() {
    use crate::api::DynamicObject;
    for frame in [
        &br#"{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"4"},"data":{"k":"v"}}}"#[..],
        br#"{"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"4"},"data":{"k":"v"}},"type":"ADDED"}"#,
    ] {
        let ev = decode_event::<DynamicObject>(frame).unwrap();
        let WatchEvent::Added(obj) = ev else { panic!("{ev:?}") };
        assert_eq!(obj.kind.as_deref(), Some("ConfigMap"));
        assert_eq!(obj.metadata.resource_version.as_deref(), Some("4"));
        assert_eq!(obj.data["data"]["k"], "v");
    }
}

/// Once the `FrameDecoder` doc example: frames come out across pushes, blank
/// lines and a `\r` are skipped.
#[test]
fn frames_come_out_across_pushes() {
    let mut dec = FrameDecoder::new();
    dec.push(b"{\"a\":1}\r\n\n{\"b\"");
    assert_eq!(
        dec.next_frame().unwrap().as_deref(),
        Some(&b"{\"a\":1}"[..])
    );
    assert_eq!(dec.next_frame().unwrap(), None);
    dec.push(b":2}\n");
    assert_eq!(
        dec.next_frame().unwrap().as_deref(),
        Some(&b"{\"b\":2}"[..])
    );
    assert!(dec.finish().is_ok());
}

/// Once the `decode_event` doc example: a malformed frame's error quotes no value.
#[test]
fn decode_event_redacts_its_errors() {
    let ev = decode_event::<serde_json::Value>(br#"{"type":"DELETED","object":{}}"#).unwrap();
    assert!(matches!(ev, WatchEvent::Deleted(_)));

    let err =
        decode_event::<serde_json::Value>(br#"{"type":"ADDED","object":{"password":"hunter2""#)
            .unwrap_err();
    assert!(matches!(err, FrameError::Malformed { .. }));
    assert!(!err.to_string().contains("hunter2"));
}

/// Once the `EventStream` doc example: an event split across chunks decodes.
#[tokio::test]
async fn event_stream_joins_an_event_split_across_chunks() {
    let chunks = vec![
        Ok::<_, std::io::Error>(
            &b"{\"type\":\"ADDED\",\"object\":{\"a\":1}}\n{\"type\":\"BOOK"[..],
        ),
        Ok(&b"MARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}\n"[..]),
    ];
    let events: Vec<_> = EventStream::<_, serde_json::Value>::new(stream::iter(chunks))
        .collect()
        .await;
    assert!(matches!(events[0], Ok(WatchEvent::Added(_))));
    assert!(
        matches!(&events[1], Ok(WatchEvent::Bookmark(b)) if b.metadata.resource_version == "9")
    );
    assert_eq!(events.len(), 2);
}

/// A frame whole inside one chunk is lent from that chunk (no copy); one
/// that crosses chunks is gathered, and the buffer is reused for the next.
#[test]
fn frames_inside_a_chunk_are_lent_from_it() {
    let first = Bytes::from_static(b"{\"a\":1}\n{\"b\":2}\r\n{\"c\"");
    let second = Bytes::from_static(b":3}\n{\"d\":4}\n{\"e\"");
    let third = Bytes::from_static(b":5}\n");
    let within = |chunk: &Bytes, frame: &[u8]| {
        let range = chunk.as_ptr_range();
        range.start <= frame.as_ptr() && frame.as_ptr_range().end <= range.end
    };
    let mut dec = FrameDecoder::new();
    dec.push_bytes(first.clone());
    for expected in [&b"{\"a\":1}"[..], b"{\"b\":2}"] {
        let frame = dec.next_line().unwrap().unwrap();
        assert_eq!(frame, expected);
        assert!(within(&first, frame));
    }
    assert_eq!(dec.next_line().unwrap(), None);
    assert_eq!(dec.buffered_len(), 4);
    dec.push_bytes(second.clone());
    let frame = dec.next_line().unwrap().unwrap();
    assert_eq!(frame, b"{\"c\":3}");
    assert!(!within(&second, frame));
    let gathered = frame.as_ptr();
    let frame = dec.next_line().unwrap().unwrap();
    assert_eq!(frame, b"{\"d\":4}");
    assert!(within(&second, frame));
    assert_eq!(dec.next_line().unwrap(), None);
    dec.push_bytes(third);
    let frame = dec.next_line().unwrap().unwrap();
    assert_eq!(frame, b"{\"e\":5}");
    assert_eq!(frame.as_ptr(), gathered, "the gathering buffer is reused");
    assert_eq!(dec.next_line().unwrap(), None);
    assert_eq!(dec.buffered_len(), 0);
    dec.finish().unwrap();
}

/// A frame that is not UTF-8 is malformed (with `from_slice`'s reason);
/// escapes in a valid frame decode as before.
#[test]
fn decode_event_checks_utf8_once_and_reports_bad_bytes() {
    let err =
        decode_event::<serde_json::Value>(b"{\"type\":\"ADDED\",\"object\":{\"a\":\"\xff\"}}")
            .unwrap_err();
    match err {
        FrameError::Malformed { reason, excerpt } => {
            assert!(
                reason.starts_with("invalid JSON: invalid unicode code point"),
                "{reason}"
            );
            assert!(excerpt.ends_with("(35 bytes)"), "{excerpt}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    let event: WatchEvent<serde_json::Value> =
        decode_event(b"{\"type\":\"ADDED\",\"object\":{\"a\":\"\\u00e9\xc3\xa9\"}}").unwrap();
    assert!(matches!(event, WatchEvent::Added(v) if v["a"] == "\u{e9}\u{e9}"));
}

/// The body is polled once per chunk, not once per event: a chunk of many
/// events is decoded without going back to the transport.
#[tokio::test]
async fn event_stream_polls_the_body_once_per_chunk() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let line = "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n";
    let body = Bytes::from(line.repeat(20));
    let (first, second) = (
        body.slice(..body.len() / 2 + 7),
        body.slice(body.len() / 2 + 7..),
    );
    let polls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&polls);
    let mut parts = [Ok::<_, Reset>(first), Ok(second)].into_iter();
    let chunks = stream::poll_fn(move |_| {
        counted.fetch_add(1, Ordering::Relaxed);
        std::task::Poll::Ready(parts.next())
    });
    let events: Vec<_> = EventStream::<_, serde_json::Value>::new(chunks)
        .collect()
        .await;
    assert_eq!(events.len(), 20);
    assert!(
        events
            .iter()
            .all(|e| matches!(e, Ok(WatchEvent::Modified(_))))
    );
    // Two chunks and the end.
    assert_eq!(polls.load(Ordering::Relaxed), 3, "one poll per chunk");
}

/// A long key late in a frame is cut to the excerpt's length (found by
/// `decode_event_never_panics`: a key shown whole ran the excerpt past it).
#[test]
fn excerpt_stays_within_its_length_when_a_key_is_shown_late() {
    let mut frame = vec![b'#'; 61];
    frame.push(b'"');
    frame.extend_from_slice(&[b'k'; 70]);
    frame.extend_from_slice(b"\":1");
    match decode_event::<Widget>(&frame).unwrap_err() {
        FrameError::Malformed { excerpt, .. } => {
            assert!(excerpt.chars().count() < 140, "{excerpt}");
            assert!(excerpt.contains("\"kkk"), "{excerpt}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}
