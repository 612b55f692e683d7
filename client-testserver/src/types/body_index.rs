//! Where each field of a JSON request body is, and which fields it sets
//! twice: what Go's strict decoder sees and `serde_json::Value` forgets.
//! kube-apiserver reports a struct field given twice as `duplicate field
//! "spec.paused"` (the last value wins), and lists unknown and duplicate
//! fields in the order it meets them in the body.

use std::collections::HashMap;

use crate::types::Node;
use crate::types::decode::{FieldPath, Seg, render};

/// How deep the scan follows a body (deeper bodies are refused earlier).
const MAX_DEPTH: usize = 256;

/// The fields of one JSON body: the offset of each path's first key, and
/// every repeated key with the offset of its repetition.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct BodyIndex {
    first: HashMap<String, usize>,
    duplicates: Vec<(usize, FieldPath)>,
}

/// One strict-decoding finding, in body order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Finding {
    /// A field the type does not have.
    Unknown(String),
    /// A struct field set twice.
    Duplicate(String),
}

impl Finding {
    /// The strict decoder's text: `unknown field "x"` or
    /// `duplicate field "x"`.
    pub(crate) fn message(&self) -> String {
        match self {
            Finding::Unknown(p) => format!("unknown field {}", crate::schema::go_quote(p)),
            Finding::Duplicate(p) => format!("duplicate field {}", crate::schema::go_quote(p)),
        }
    }
}

impl BodyIndex {
    /// Scans a JSON body; `None` when it is not a JSON object (YAML,
    /// protobuf), or nests too deep.
    pub(crate) fn scan(body: &[u8]) -> Option<BodyIndex> {
        let mut s = Scanner {
            b: body,
            pos: 0,
            index: BodyIndex::default(),
        };
        s.ws();
        if s.peek() != Some(b'{') {
            return None;
        }
        let mut path = Vec::new();
        s.value(&mut path, 0)?;
        Some(s.index)
    }

    /// Every key the body repeats, in body order, map keys included: what
    /// the strict decoding of a merge or strategic merge patch (into a
    /// map) reports, before the patched object's unknown fields.
    pub(crate) fn repeated_keys(&self) -> Vec<String> {
        self.duplicates.iter().map(|(_, p)| render(p)).collect()
    }

    /// The findings of a body decoded as the type at `root`, in body order:
    /// `unknown` (from `decode::check`) and the duplicated struct fields
    /// that are not unknown themselves nor inside an unknown field.
    pub(crate) fn findings(&self, root: Node<'_>, unknown: &[FieldPath]) -> Vec<Finding> {
        let mut out: Vec<(usize, Finding)> = unknown
            .iter()
            .map(|p| {
                let text = render(p);
                (
                    self.first.get(&text).copied().unwrap_or(usize::MAX),
                    Finding::Unknown(text),
                )
            })
            .collect();
        for (at, p) in &self.duplicates {
            let inside_unknown = unknown.iter().any(|u| p.starts_with(u));
            if !inside_unknown && is_struct_field(root, p) {
                out.push((*at, Finding::Duplicate(render(p))));
            }
        }
        out.sort_by_key(|(at, _)| *at);
        out.into_iter().map(|(_, f)| f).collect()
    }
}

/// Whether `path` ends at a field of a struct (map keys and values of
/// `Any` are not checked for duplicates).
fn is_struct_field(root: Node<'_>, path: &[Seg]) -> bool {
    let mut n = root;
    for (i, s) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match (s, n.ty) {
            (Seg::Key(k), crate::types::Ty::Struct(_)) => match n.field(k) {
                Some(_) if last => return true,
                Some(f) => n = f,
                None => return false,
            },
            (Seg::Key(_), crate::types::Ty::Map(_)) if !last => match n.field("") {
                Some(v) => n = v,
                None => return false,
            },
            (Seg::Index(_), crate::types::Ty::List(_)) => match n.items() {
                Some(it) => n = it,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
    index: BodyIndex,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips a string starting at `pos` (a `"`); returns its raw bytes,
    /// quotes included.
    fn string(&mut self) -> Option<&[u8]> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return self.b.get(start..self.pos);
                }
                _ => self.pos += 1,
            }
        }
    }

    fn value(&mut self, path: &mut FieldPath, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => self.object(path, depth),
            b'[' => {
                self.pos += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(());
                    }
                    path.push(Seg::Index(i));
                    let r = self.value(path, depth + 1);
                    path.pop();
                    r?;
                    i += 1;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {}
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    fn object(&mut self, path: &mut FieldPath, depth: usize) -> Option<()> {
        self.pos += 1;
        let mut seen: Vec<String> = Vec::new();
        loop {
            self.ws();
            match self.peek()? {
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                b'"' => {}
                _ => return None,
            }
            let at = self.pos;
            let raw = self.string()?;
            let key: String = serde_json::from_slice(raw).ok()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            path.push(Seg::Key(key.clone()));
            if seen.contains(&key) {
                self.index.duplicates.push((at, path.clone()));
            } else {
                seen.push(key);
                self.index.first.entry(render(path)).or_insert(at);
            }
            let r = self.value(path, depth + 1);
            path.pop();
            r?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {}
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::types::{decode, kind_node};

    /// kube-apiserver's own field-validation case: unknown and duplicate
    /// fields of a Deployment, reported in body order.
    #[test]
    fn kubes_field_validation_body_in_order() {
        let body = r#"{
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "dupename", "name": "x", "labels": {"app": "nginx"}, "unknownMeta": "metaVal"},
            "spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
                "paused": true, "paused": false,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
                        "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}"#;
        let root = kind_node("apps/v1", "Deployment").unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        let unknown = decode::check(root, &v).unwrap();
        let idx = BodyIndex::scan(body.as_bytes()).unwrap();
        let got: Vec<String> = idx
            .findings(root, &unknown)
            .iter()
            .map(Finding::message)
            .collect();
        assert_eq!(
            got,
            [
                "duplicate field \"metadata.name\"",
                "unknown field \"metadata.unknownMeta\"",
                "unknown field \"spec.unknown1\"",
                "unknown field \"spec.unknownDupe\"",
                "duplicate field \"spec.paused\"",
                "unknown field \"spec.template.spec.containers[0].unknownNested\"",
                "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
            ]
        );
    }

    #[test]
    fn only_json_objects_are_scanned() {
        assert!(BodyIndex::scan(b"kind: Pod\n").is_none());
        assert!(BodyIndex::scan(b"[1]").is_none());
        assert!(BodyIndex::scan(br#"{"a": "x\"y", "b": [1, {"c": 2}]}"#).is_some());
        let deep = "[".repeat(300) + &"]".repeat(300);
        assert!(BodyIndex::scan(format!("{{\"a\": {deep}}}").as_bytes()).is_none());
        // Map keys given twice are not struct fields.
        let root = kind_node("v1", "ConfigMap").unwrap();
        let idx = BodyIndex::scan(br#"{"data": {"a": "1", "a": "2"}}"#).unwrap();
        assert!(idx.findings(root, &[]).is_empty());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = b"{}[]\":,\\ abc01\n";
        for _ in 0..5000 {
            let len = rng.usize(0..40);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.usize(0..alphabet.len())])
                .collect();
            let _ = BodyIndex::scan(&bytes);
        }
    }
}
