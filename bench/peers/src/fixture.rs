//! The canned objects: `OBJECTS` ConfigMaps of about 1.2 KB in namespace
//! `NAMESPACE`, and the list pages and watch events that carry them. Both
//! sides decode exactly these bytes.

/// How many objects the list holds.
pub const OBJECTS: usize = 10_000;
/// The namespace of every object.
pub const NAMESPACE: &str = "bench";
/// The resourceVersion of the list; watch events count up from the next one.
pub const LIST_RESOURCE_VERSION: u64 = OBJECTS as u64;

/// One object rendered as JSON around its resourceVersion, so that events
/// can carry a new version without re-rendering the rest.
#[derive(Clone, Debug)]
pub struct Template {
    /// Everything up to the resourceVersion's digits.
    pub head: String,
    /// Everything after them.
    pub tail: String,
}

impl Template {
    /// The object's JSON with `resource_version`, appended to `out`.
    pub fn render_into(&self, resource_version: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(self.head.as_bytes());
        out.extend_from_slice(resource_version.to_string().as_bytes());
        out.extend_from_slice(self.tail.as_bytes());
    }
}

/// The name of object number `i`: `widget-config-00042`.
pub fn object_name(i: u64) -> String {
    format!("widget-config-{i:05}")
}

/// The number of the object called `name`, if it is one of the first
/// `objects` (the inverse of [`object_name`]).
pub fn object_number(name: &str, objects: usize) -> Option<usize> {
    let digits = name.strip_prefix("widget-config-")?;
    if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&i| i < objects)
}

/// The template of object number `i`: a ConfigMap with labels, an
/// annotation and four data keys, about 1.2 KB of JSON.
pub fn template(i: usize) -> Template {
    let name = object_name(i as u64);
    let uid = format!("7f3c2a10-0b1d-4c6e-9a5f-{i:012x}");
    let head = format!(
        concat!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}","#,
            r#""namespace":"{ns}","uid":"{uid}","resourceVersion":""#
        ),
        name = name,
        ns = NAMESPACE,
        uid = uid,
    );
    let filler = |tag: &str, n: usize| -> String {
        (0..n)
            .map(|k| format!("{tag}{}-{k:03};", i % 97))
            .collect::<String>()
    };
    let tail = format!(
        concat!(
            r#"","creationTimestamp":"2026-01-15T10:20:30Z","labels":{{"app.kubernetes.io/name":"widget","#,
            r#""app.kubernetes.io/instance":"widget-{shard}","tier":"backend"}},"annotations":{{"#,
            r#""example.com/owner":"team-{shard}@example.com"}}}},"data":{{"#,
            r#""config.yaml":"server:\n  port: 8080\n  workers: {w}\nlog:\n  level: info\n  format: json\n","#,
            r#""endpoints":"{endpoints}","features":"{features}","#,
            r#""notes":"{notes}"}}}}"#
        ),
        shard = i % 16,
        w = i % 8 + 1,
        endpoints = filler("svc-", 26),
        features = filler("flag-", 22),
        notes = filler("n", 24),
    );
    Template { head, tail }
}

/// Every object's template, in list order ([`OBJECTS`] of them).
pub fn templates() -> Vec<Template> {
    templates_of(OBJECTS)
}

/// The templates of the first `objects` objects, in list order.
pub fn templates_of(objects: usize) -> Vec<Template> {
    (0..objects).map(template).collect()
}

/// The body of the list page starting at `offset` with at most `limit`
/// items (`limit` 0: all), with a `continue` token when more remain.
pub fn list_page(templates: &[Template], offset: usize, limit: usize) -> Vec<u8> {
    let end = if limit == 0 {
        templates.len()
    } else {
        offset.saturating_add(limit).min(templates.len())
    };
    let start = offset.min(end);
    let mut out = Vec::with_capacity((end - start) * 1300 + 200);
    out.extend_from_slice(
        br#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":""#,
    );
    out.extend_from_slice(LIST_RESOURCE_VERSION.to_string().as_bytes());
    out.push(b'"');
    if end < templates.len() {
        out.extend_from_slice(format!(r#","continue":"{end}""#).as_bytes());
    }
    out.extend_from_slice(br#"},"items":["#);
    for (k, (i, t)) in templates[start..end]
        .iter()
        .enumerate()
        .map(|(k, t)| (k, (start + k, t)))
    {
        if k > 0 {
            out.push(b',');
        }
        t.render_into(i as u64 + 1, &mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

/// Watch event number `n` (0-based): a MODIFIED of object `n % len` with
/// resourceVersion `LIST_RESOURCE_VERSION + 1 + n`, as one line.
pub fn watch_event(templates: &[Template], n: u64, out: &mut Vec<u8>) {
    let Some(t) = templates.get((n % templates.len().max(1) as u64) as usize) else {
        return;
    };
    out.extend_from_slice(br#"{"type":"MODIFIED","object":"#);
    t.render_into(LIST_RESOURCE_VERSION + 1 + n, out);
    out.extend_from_slice(b"}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_is_about_1_2_kb_of_valid_shape() {
        for i in [0, 5, 1234, OBJECTS - 1] {
            let mut out = Vec::new();
            template(i).render_into(42, &mut out);
            assert!(
                (1150..=1280).contains(&out.len()),
                "{i}: {} bytes",
                out.len()
            );
        }
        let mut out = Vec::new();
        template(1234).render_into(42, &mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains(r#""resourceVersion":"42""#));
        assert!(text.contains(r#""name":"widget-config-01234""#));
    }

    #[test]
    fn names_and_numbers_round_trip() {
        assert_eq!(object_name(42), "widget-config-00042");
        assert_eq!(object_number("widget-config-00042", 100), Some(42));
        assert_eq!(object_number(&object_name(12_345), 20_000), Some(12_345));
        assert_eq!(object_number("widget-config-00042", 42), None);
        assert_eq!(object_number("widget-config-42", 100), None);
        assert_eq!(object_number("widget-config-0004x", 100), None);
        assert_eq!(object_number("other-00001", 100), None);
    }

    #[test]
    fn pages_chain_through_continue_and_end_without_it() {
        let t: Vec<Template> = (0..5).map(template).collect();
        let first = String::from_utf8_lossy(&list_page(&t, 0, 2)).into_owned();
        assert!(first.contains(r#""continue":"2""#));
        assert_eq!(first.matches(r#""kind":"ConfigMap","#).count(), 2);
        let last = String::from_utf8_lossy(&list_page(&t, 4, 2)).into_owned();
        assert!(!last.contains("continue"));
        assert_eq!(last.matches(r#""kind":"ConfigMap","#).count(), 1);
        let all = String::from_utf8_lossy(&list_page(&t, 0, 0)).into_owned();
        assert_eq!(all.matches(r#""kind":"ConfigMap","#).count(), 5);
    }

    #[test]
    fn events_cycle_through_the_objects_with_rising_versions() {
        let t: Vec<Template> = (0..3).map(template).collect();
        let mut out = Vec::new();
        watch_event(&t, 4, &mut out);
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with(r#"{"type":"MODIFIED""#) && text.ends_with("}\n"));
        assert!(text.contains("widget-config-00001"));
        assert!(text.contains(&format!(
            r#""resourceVersion":"{}""#,
            LIST_RESOURCE_VERSION + 5
        )));
    }
}
