//! `Accept` and `Content-Type` header parsing.
//!
//! kubectl asks for tables with a list of media ranges, for example
//! `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;
//! this module parses such lists instead of matching literals, and never
//! panics on malformed headers (bad parts are skipped).

/// One media range of an `Accept` header: `type/subtype;name=value;...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaRange {
    /// The type, lowercased (`application`, or `*`).
    pub type_: String,
    /// The subtype, lowercased (`json`, or `*`).
    pub subtype: String,
    /// The parameters in order, names lowercased, values unquoted (case kept).
    /// The quality factor stays here as `q`.
    pub params: Vec<(String, String)>,
}

impl MediaRange {
    /// The value of parameter `name` (give it lowercase), if present.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The quality factor `q` (1.0 when absent or unreadable, clamped to 0..=1).
    pub(crate) fn quality(&self) -> f32 {
        self.param("q")
            .and_then(|q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .map_or(1.0, |q| q.clamp(0.0, 1.0))
    }
}

/// Splits `s` on `sep` outside double-quoted strings (with `\` escapes).
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    let Some(inner) = v.strip_prefix('"') else {
        return v.to_string();
    };
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses an `Accept` header into its media ranges, in header order.
/// Elements without a valid `type/subtype` are skipped; a bare `*` counts as
/// `*/*`; parameters without `=` are ignored. An empty or blank header gives
/// an empty list (the caller treats that as `*/*`).
pub(crate) fn parse_accept(header: &str) -> Vec<MediaRange> {
    let mut out = Vec::new();
    for element in split_unquoted(header, ',') {
        let mut parts = split_unquoted(element, ';').into_iter();
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let (type_, subtype) = if essence == "*" {
            ("*".to_string(), "*".to_string())
        } else {
            match essence.split_once('/') {
                Some((t, s)) if is_token(t.trim()) && is_token(s.trim()) => {
                    (t.trim().to_string(), s.trim().to_string())
                }
                _ => continue,
            }
        };
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                let k = k.trim().to_ascii_lowercase();
                if !is_token(&k) {
                    return None;
                }
                Some((k, unquote(v)))
            })
            .collect();
        out.push(MediaRange {
            type_,
            subtype,
            params,
        });
    }
    out
}

/// Whether the client asks for a `meta.k8s.io` Table: some range of the
/// header is `application/json` with `as=Table`, `g=meta.k8s.io` and `v=v1`
/// or `v=v1beta1` (and a non-zero quality). Wildcards do not count.
pub(crate) fn wants_table(header: &str) -> bool {
    parse_accept(header).iter().any(|r| {
        r.type_ == "application"
            && r.subtype == "json"
            && r.param("as") == Some("Table")
            && r.param("g") == Some("meta.k8s.io")
            && matches!(r.param("v"), Some("v1" | "v1beta1"))
            && r.quality() > 0.0
    })
}

/// Which metadata-only representation a client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartialAs {
    /// `as=PartialObjectMetadata`: one object (get, watch events).
    Object,
    /// `as=PartialObjectMetadataList`: a list.
    List,
}

/// Whether the client asks for `meta.k8s.io` PartialObjectMetadata(List),
/// and in which version (`v1` or `v1beta1`). The ranges are taken in header
/// order, as kube-apiserver's negotiation does: a plain `application/json`
/// (or `*/*`) before any `as=` range means the full object.
pub(crate) fn wants_partial_metadata(header: &str) -> Option<(PartialAs, &'static str)> {
    for r in parse_accept(header) {
        if r.quality() <= 0.0 {
            continue;
        }
        let json = r.type_ == "application" && r.subtype == "json";
        let any = r.type_ == "*" || (r.type_ == "application" && r.subtype == "*");
        match r.param("as") {
            None if json || any => return None,
            Some(as_) if json && r.param("g") == Some("meta.k8s.io") => {
                let version = match r.param("v") {
                    Some("v1") => "v1",
                    Some("v1beta1") => "v1beta1",
                    _ => continue,
                };
                match as_ {
                    "PartialObjectMetadata" => return Some((PartialAs::Object, version)),
                    "PartialObjectMetadataList" => return Some((PartialAs::List, version)),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    None
}

/// The lowercased `type/subtype` of a `Content-Type` header, without
/// parameters or surrounding whitespace (`""` for an empty header).
#[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
pub(crate) fn content_type_essence(header: &str) -> String {
    header
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const KUBECTL_GET: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    #[test]
    fn parses_kubectl_accept() {
        let r = parse_accept(KUBECTL_GET);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].type_, "application");
        assert_eq!(r[0].subtype, "json");
        assert_eq!(
            r[0].params,
            [
                ("as".to_string(), "Table".to_string()),
                ("v".to_string(), "v1".to_string()),
                ("g".to_string(), "meta.k8s.io".to_string())
            ]
        );
        assert_eq!(r[1].param("v"), Some("v1beta1"));
        assert!(r[2].params.is_empty());
        assert!(wants_table(KUBECTL_GET));
    }

    #[test]
    fn partial_metadata_ranges() {
        let list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
        assert_eq!(wants_partial_metadata(list), Some((PartialAs::List, "v1")));
        assert_eq!(
            wants_partial_metadata(
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1,application/json"
            ),
            Some((PartialAs::Object, "v1beta1"))
        );
        // Protobuf first (as client-go sends): the JSON range still counts.
        assert_eq!(
            wants_partial_metadata(
                "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
            ),
            Some((PartialAs::Object, "v1"))
        );
        assert_eq!(
            wants_partial_metadata(&format!("application/json,{list}")),
            None
        );
        assert_eq!(wants_partial_metadata(&format!("{list};q=0")), None);
        assert_eq!(
            wants_partial_metadata("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2"),
            None
        );
        assert_eq!(wants_partial_metadata(""), None);
    }

    #[test]
    fn wants_table_variants() {
        assert!(wants_table(
            "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
        ));
        assert!(wants_table(
            " Application/JSON ; AS=Table ; g=\"meta.k8s.io\" ; v=v1 "
        ));
        assert!(wants_table(
            "text/plain, application/json;as=Table;v=v1;g=meta.k8s.io;q=0.5"
        ));
        assert!(!wants_table(
            "application/json;as=Table;v=v1;g=meta.k8s.io;q=0"
        ));
        assert!(!wants_table("application/json;as=Table;v=v2;g=meta.k8s.io"));
        assert!(!wants_table("application/json;as=Table;v=v1"));
        assert!(!wants_table(
            "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
        ));
        assert!(!wants_table("*/*;as=Table;v=v1;g=meta.k8s.io"));
        assert!(!wants_table("application/yaml;as=Table;v=v1;g=meta.k8s.io"));
        assert!(!wants_table(""));
        assert!(!wants_table("*/*"));
    }

    #[test]
    fn quoting_and_odd_input() {
        let r = parse_accept(r#"a/b;x="1,2;3";y="q\"t", c/d"#);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].param("x"), Some("1,2;3"));
        assert_eq!(r[0].param("y"), Some("q\"t"));
        assert_eq!(r[1].type_, "c");
        let r = parse_accept("*, nonsense, /x, x/, ,;, a/b;noval;=v;k=v");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].type_.as_str(), r[0].subtype.as_str()), ("*", "*"));
        assert_eq!(r[1].params, [("k".to_string(), "v".to_string())]);
        assert!(parse_accept("").is_empty());
        assert!(parse_accept("   ").is_empty());
        assert_eq!(parse_accept("a/b;q=0.3")[0].quality(), 0.3);
        assert_eq!(parse_accept("a/b;q=abc")[0].quality(), 1.0);
        assert_eq!(parse_accept("a/b;q=7")[0].quality(), 1.0);
        assert_eq!(parse_accept("a/b;q=NaN")[0].quality(), 1.0);
        // An unterminated quote swallows the rest but does not panic.
        assert_eq!(parse_accept(r#"a/b;x="oops, c/d"#).len(), 1);
    }

    #[test]
    fn essence() {
        assert_eq!(content_type_essence("application/json"), "application/json");
        assert_eq!(
            content_type_essence(" application/apply-patch+yaml ; charset=utf-8"),
            "application/apply-patch+yaml"
        );
        assert_eq!(
            content_type_essence("APPLICATION/JSON-PATCH+JSON"),
            "application/json-patch+json"
        );
        assert_eq!(content_type_essence(""), "");
        assert_eq!(content_type_essence(";x=y"), "");
    }

    #[test]
    fn never_panics_on_mutations() {
        let alphabet = b",;=\"\\/ *aq.0\xc3\xa9\xe2\x82\xac";
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..5000 {
            let mut bytes = KUBECTL_GET.as_bytes().to_vec();
            for _ in 0..rng.usize(1..8) {
                let at = rng.usize(0..=bytes.len());
                match rng.u8(0..3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, alphabet[rng.usize(0..alphabet.len())]),
                    _ if at < bytes.len() => bytes[at] = rng.u8(..),
                    _ => {}
                }
            }
            let s = String::from_utf8_lossy(&bytes);
            for r in parse_accept(&s) {
                let _ = r.quality();
            }
            let _ = wants_table(&s);
            let _ = content_type_essence(&s);
        }
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::http::accept::{content_type_essence, wants_table};
        assert!(wants_table(
            "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
        ));
        assert!(!wants_table("application/json"));
        assert_eq!(
            content_type_essence("Application/Merge-Patch+JSON; charset=utf-8"),
            "application/merge-patch+json"
        );
    }

    #[test]
    fn parse_accept_example() {
        use crate::http::accept::parse_accept;
        let ranges = parse_accept(r#"application/json;as=Table;g="meta.k8s.io";q=0.9, */*;q=0.1"#);
        assert_eq!(ranges.len(), 2);
        assert_eq!(ranges[0].param("g"), Some("meta.k8s.io"));
        assert_eq!(ranges[1].type_, "*");
    }
}
