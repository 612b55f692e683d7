//! JSON Patch (RFC 6902), bounded so a patch cannot grow a document
//! without limit.

use serde_json::Value;

/// Why a JSON patch could not be applied. The `Display` text names the
/// operation and the path, for the message of a 422 (or 400 when the patch
/// itself is malformed; see [`PatchError::is_malformed`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PatchError {
    /// The patch document is not a JSON array.
    #[error("json patch must be an array of operations")]
    NotAnArray,
    /// More operations than the server accepts in one patch.
    #[error("The allowed maximum operations in a JSON patch is {MAX_OPS}, got {count}")]
    TooManyOps {
        /// How many operations the patch has.
        count: usize,
    },
    /// The patched object would nest deeper than the server stores.
    #[error("json patch operation {index}: the result would nest deeper than {MAX_DEPTH} levels")]
    TooDeep {
        /// Position in the patch array.
        index: usize,
    },
    /// The `copy` operations together add more bytes than the server
    /// accepts (kube-apiserver's `JSONPatchMaxCopyBytes`; its wording).
    #[error(
        "Unable to complete the copy, the accumulated size increase of copy is {accumulated}, exceeding the limit {MAX_COPY_BYTES}"
    )]
    TooMuchCopied {
        /// Position in the patch array.
        index: usize,
        /// The bytes (the JSON encoding of every copied value) copied so far.
        accumulated: usize,
    },
    /// An element of the patch array is not an object.
    #[error("json patch operation {index} is not an object")]
    NotAnObject {
        /// Position in the patch array.
        index: usize,
    },
    /// A required member (`op`, `path`, `from`, `value`) is absent or not a string.
    #[error("json patch operation {index} ({op}): missing or invalid '{member}'")]
    MissingMember {
        /// Position in the patch array.
        index: usize,
        /// The operation name, or `?` when `op` itself is missing.
        op: String,
        /// The missing member.
        member: &'static str,
    },
    /// `op` is not one of add, remove, replace, move, copy, test.
    #[error("json patch operation {index}: unknown op '{op}'")]
    UnknownOp {
        /// Position in the patch array.
        index: usize,
        /// The unknown operation name.
        op: String,
    },
    /// A path is not a valid JSON pointer (must be empty or start with `/`,
    /// `~` only in `~0` and `~1`).
    #[error("json patch operation {index} ({op}): invalid JSON pointer {pointer:?}")]
    InvalidPointer {
        /// Position in the patch array.
        index: usize,
        /// The operation name.
        op: String,
        /// The offending pointer.
        pointer: String,
    },
    /// The pointer does not lead to a value (or to a container that can take one).
    #[error("{op} operation does not apply: doc is missing path: {pointer:?}")]
    MissingPath {
        /// Position in the patch array.
        index: usize,
        /// The operation name.
        op: String,
        /// The pointer that could not be resolved.
        pointer: String,
    },
    /// An array index is out of range or not a number.
    #[error("{op} operation does not apply: invalid array index in path {pointer:?}")]
    BadIndex {
        /// Position in the patch array.
        index: usize,
        /// The operation name.
        op: String,
        /// The pointer with the bad index.
        pointer: String,
    },
    /// `move` into one of the moved value's own children.
    #[error("move operation does not apply: cannot move {from:?} into its own child {pointer:?}")]
    MoveIntoChild {
        /// Position in the patch array.
        index: usize,
        /// The source pointer.
        from: String,
        /// The destination pointer.
        pointer: String,
    },
    /// A `test` operation found a different value.
    #[error("testing value {pointer:?} failed: test operation failed")]
    TestFailed {
        /// Position in the patch array.
        index: usize,
        /// The tested pointer.
        pointer: String,
    },
}

impl PatchError {
    /// Whether the patch document itself is malformed (400 BadRequest on
    /// kube-apiserver) rather than not applicable to this object (422).
    pub(crate) fn is_malformed(&self) -> bool {
        matches!(
            self,
            PatchError::NotAnArray
                | PatchError::TooManyOps { .. }
                | PatchError::NotAnObject { .. }
                | PatchError::MissingMember { .. }
                | PatchError::UnknownOp { .. }
                | PatchError::InvalidPointer { .. }
        )
    }
}

/// Applies an RFC 6902 JSON patch to `doc`, atomically: on error `doc` is
/// left exactly as it was.
///
/// # Errors
///
/// [`PatchError`] for a malformed patch, a path that does not resolve, an
/// array index out of range, or a failed `test`.
pub(crate) fn json_patch(doc: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let ops = patch.as_array().ok_or(PatchError::NotAnArray)?;
    if ops.len() > MAX_OPS {
        return Err(PatchError::TooManyOps { count: ops.len() });
    }
    // Bounds kept as the patch goes, so that a hostile patch cannot grow the
    // object past what the rest of the server (which recurses to encode,
    // compare and drop values) can handle: an upper bound on the depth, and
    // the total size in bytes of what `copy` duplicated.
    let mut depth = depth_of(doc);
    let mut copied = 0usize;
    let mut work = doc.clone();
    for (index, op) in ops.iter().enumerate() {
        let grows = growth(&work, op);
        if let Some((at, value_depth, value)) = grows {
            depth = depth.max(at + value_depth);
            if depth > MAX_DEPTH {
                return Err(PatchError::TooDeep { index });
            }
            if op.get("op").and_then(Value::as_str) == Some("copy") {
                copied = copied.saturating_add(encoded_len(value));
                if copied > MAX_COPY_BYTES {
                    return Err(PatchError::TooMuchCopied {
                        index,
                        accumulated: copied,
                    });
                }
            }
        }
        apply_one(&mut work, index, op)?;
    }
    *doc = work;
    Ok(())
}

/// The most operations one JSON patch may hold (kube-apiserver's limit).
pub(crate) const MAX_OPS: usize = 10_000;
/// The deepest nesting a patched object may reach.
pub(crate) const MAX_DEPTH: usize = 100;
/// How many bytes all `copy` operations of one patch may add, counted as
/// the JSON encoding of each copied value: kube-apiserver's default
/// `JSONPatchMaxCopyBytes` (3 MiB, twice etcd's request limit).
pub(crate) const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;

/// The length of `value`'s compact JSON encoding, without building it.
fn encoded_len(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter(0);
    // Writing a `Value` into a sink that never fails cannot fail.
    let _ = serde_json::to_writer(&mut c, value);
    c.0
}

/// For an operation that puts a value somewhere (`add`, `replace`, `copy`,
/// `move`): the depth it lands at, the value's own depth, and the value.
/// Malformed operations return `None`: `apply_one` reports them.
fn growth<'v>(doc: &'v Value, op: &'v Value) -> Option<(usize, usize, &'v Value)> {
    let name = op.get("op")?.as_str()?;
    let path = op.get("path")?.as_str()?;
    let at = path.split('/').count().saturating_sub(1);
    let value = match name {
        "add" | "replace" => op.get("value")?,
        "copy" | "move" => {
            let from = op.get("from")?.as_str()?;
            doc.pointer(from)?
        }
        _ => return None,
    };
    Some((at, depth_of(value), value))
}

/// The nesting depth of `value` (a scalar is 1), walked with an explicit
/// stack.
fn depth_of(value: &Value) -> usize {
    let mut stack = vec![(value, 1usize)];
    let mut depth = 0;
    while let Some((v, d)) = stack.pop() {
        depth = depth.max(d);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    depth
}

fn apply_one(doc: &mut Value, index: usize, op: &Value) -> Result<(), PatchError> {
    let obj = op.as_object().ok_or(PatchError::NotAnObject { index })?;
    let name = obj
        .get("op")
        .and_then(Value::as_str)
        .ok_or_else(|| PatchError::MissingMember {
            index,
            op: "?".into(),
            member: "op",
        })?;
    let ctx = Ctx { index, op: name };
    let member = |m: &'static str| PatchError::MissingMember {
        index,
        op: name.to_string(),
        member: m,
    };
    let path_str = obj
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| member("path"))?;
    let path = ctx.pointer(path_str)?;
    match name {
        "add" => {
            let value = obj.get("value").ok_or_else(|| member("value"))?.clone();
            ctx.add(doc, &path, path_str, value)
        }
        "remove" => ctx.remove(doc, &path, path_str).map(drop),
        "replace" => {
            let value = obj.get("value").ok_or_else(|| member("value"))?.clone();
            let target = ctx.get_mut(doc, &path, path_str)?;
            *target = value;
            Ok(())
        }
        "move" => {
            let from_str = obj
                .get("from")
                .and_then(Value::as_str)
                .ok_or_else(|| member("from"))?;
            let from = ctx.pointer(from_str)?;
            if from == path {
                // Still must exist.
                ctx.get_mut(doc, &from, from_str)?;
                return Ok(());
            }
            if path.len() > from.len() && path[..from.len()] == from[..] {
                return Err(PatchError::MoveIntoChild {
                    index,
                    from: from_str.into(),
                    pointer: path_str.into(),
                });
            }
            let value = ctx.remove(doc, &from, from_str)?;
            ctx.add(doc, &path, path_str, value)
        }
        "copy" => {
            let from_str = obj
                .get("from")
                .and_then(Value::as_str)
                .ok_or_else(|| member("from"))?;
            let from = ctx.pointer(from_str)?;
            let value = ctx.get_mut(doc, &from, from_str)?.clone();
            ctx.add(doc, &path, path_str, value)
        }
        "test" => {
            let value = obj.get("value").ok_or_else(|| member("value"))?;
            let target = ctx.get_mut(doc, &path, path_str)?;
            if json_equal(target, value) {
                Ok(())
            } else {
                Err(PatchError::TestFailed {
                    index,
                    pointer: path_str.into(),
                })
            }
        }
        other => Err(PatchError::UnknownOp {
            index,
            op: other.into(),
        }),
    }
}

/// RFC 6902 equality: numbers compare by value (`1` equals `1.0`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y {
                return true;
            }
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

struct Ctx<'a> {
    index: usize,
    op: &'a str,
}

impl Ctx<'_> {
    fn missing(&self, pointer: &str) -> PatchError {
        PatchError::MissingPath {
            index: self.index,
            op: self.op.into(),
            pointer: pointer.into(),
        }
    }

    fn bad_index(&self, pointer: &str) -> PatchError {
        PatchError::BadIndex {
            index: self.index,
            op: self.op.into(),
            pointer: pointer.into(),
        }
    }

    /// Splits a JSON pointer into unescaped reference tokens.
    fn pointer(&self, s: &str) -> Result<Vec<String>, PatchError> {
        parse_pointer(s).ok_or_else(|| PatchError::InvalidPointer {
            index: self.index,
            op: self.op.into(),
            pointer: s.into(),
        })
    }

    fn get_mut<'d>(
        &self,
        doc: &'d mut Value,
        path: &[String],
        raw: &str,
    ) -> Result<&'d mut Value, PatchError> {
        let mut cur = doc;
        for token in path {
            cur = match cur {
                Value::Object(map) => map.get_mut(token).ok_or_else(|| self.missing(raw))?,
                Value::Array(items) => {
                    let i = array_index(token).ok_or_else(|| self.missing(raw))?;
                    items.get_mut(i).ok_or_else(|| self.missing(raw))?
                }
                _ => return Err(self.missing(raw)),
            };
        }
        Ok(cur)
    }

    fn add(
        &self,
        doc: &mut Value,
        path: &[String],
        raw: &str,
        value: Value,
    ) -> Result<(), PatchError> {
        let Some((last, parent_path)) = path.split_last() else {
            *doc = value;
            return Ok(());
        };
        let parent = self.get_mut(doc, parent_path, raw)?;
        match parent {
            Value::Object(map) => {
                map.insert(last.clone(), value);
                Ok(())
            }
            Value::Array(items) => {
                if last == "-" {
                    items.push(value);
                    return Ok(());
                }
                let i = array_index(last).ok_or_else(|| self.bad_index(raw))?;
                if i > items.len() {
                    return Err(self.bad_index(raw));
                }
                items.insert(i, value);
                Ok(())
            }
            _ => Err(self.missing(raw)),
        }
    }

    fn remove(&self, doc: &mut Value, path: &[String], raw: &str) -> Result<Value, PatchError> {
        let Some((last, parent_path)) = path.split_last() else {
            // Removing the whole document leaves nothing to store.
            return Err(self.missing(raw));
        };
        let parent = self.get_mut(doc, parent_path, raw)?;
        match parent {
            Value::Object(map) => map.remove(last).ok_or_else(|| self.missing(raw)),
            Value::Array(items) => {
                let i = array_index(last).ok_or_else(|| self.bad_index(raw))?;
                if i >= items.len() {
                    return Err(self.bad_index(raw));
                }
                Ok(items.remove(i))
            }
            _ => Err(self.missing(raw)),
        }
    }
}

/// RFC 6901 pointer: `""` is the whole document, otherwise `/`-separated
/// tokens with `~1` for `/` and `~0` for `~`.
fn parse_pointer(s: &str) -> Option<Vec<String>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    let rest = s.strip_prefix('/')?;
    rest.split('/')
        .map(|token| {
            let mut out = String::with_capacity(token.len());
            let mut chars = token.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return None,
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        })
        .collect()
}

/// An array index: decimal digits, no leading zero (except `0` itself).
fn array_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::patch::merge_patch;
    use serde_json::json;

    fn patched(doc: Value, patch: Value) -> Result<Value, PatchError> {
        let mut d = doc;
        json_patch(&mut d, &patch).map(|()| d)
    }

    #[test]
    fn add_member_and_array_positions() {
        let doc = json!({"a": {"b": [1, 3]}});
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "/a/c", "value": true}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 3], "c": true}})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/1", "value": 2}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 2, 3]}})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/2", "value": 4}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 3, 4]}})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "/a/b/-", "value": 9}])
            )
            .unwrap(),
            json!({"a": {"b": [1, 3, 9]}})
        );
        // Adding an existing member replaces it.
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "/a", "value": null}])
            )
            .unwrap(),
            json!({"a": null})
        );
        // Root.
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "add", "path": "", "value": [1]}])
            )
            .unwrap(),
            json!([1])
        );
        let err = patched(
            doc.clone(),
            json!([{"op": "add", "path": "/a/b/3", "value": 0}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::BadIndex { .. }), "{err}");
        let err = patched(
            doc.clone(),
            json!([{"op": "add", "path": "/a/b/01", "value": 0}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::BadIndex { .. }), "{err}");
        let err = patched(
            doc.clone(),
            json!([{"op": "add", "path": "/x/y", "value": 0}]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "add operation does not apply: doc is missing path: \"/x/y\""
        );
        assert!(!err.is_malformed());
    }

    #[test]
    fn remove_and_replace() {
        let doc = json!({"a": 1, "b": [1, 2, 3]});
        assert_eq!(
            patched(doc.clone(), json!([{"op": "remove", "path": "/a"}])).unwrap(),
            json!({"b": [1, 2, 3]})
        );
        assert_eq!(
            patched(doc.clone(), json!([{"op": "remove", "path": "/b/0"}])).unwrap(),
            json!({"a": 1, "b": [2, 3]})
        );
        assert!(patched(doc.clone(), json!([{"op": "remove", "path": "/b/3"}])).is_err());
        assert!(patched(doc.clone(), json!([{"op": "remove", "path": "/b/-"}])).is_err());
        assert!(patched(doc.clone(), json!([{"op": "remove", "path": "/zz"}])).is_err());
        assert!(patched(doc.clone(), json!([{"op": "remove", "path": ""}])).is_err());
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "replace", "path": "/b/1", "value": "x"}])
            )
            .unwrap(),
            json!({"a": 1, "b": [1, "x", 3]})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "replace", "path": "", "value": 5}])
            )
            .unwrap(),
            json!(5)
        );
        let err = patched(
            doc.clone(),
            json!([{"op": "replace", "path": "/c", "value": 1}]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("replace operation does not apply"));
    }

    #[test]
    fn move_and_copy() {
        let doc = json!({"a": {"x": 1}, "b": [1, 2]});
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "move", "from": "/a/x", "path": "/c"}])
            )
            .unwrap(),
            json!({"a": {}, "b": [1, 2], "c": 1})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "move", "from": "/b/0", "path": "/b/-"}])
            )
            .unwrap(),
            json!({"a": {"x": 1}, "b": [2, 1]})
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "move", "from": "/a", "path": "/a"}])
            )
            .unwrap(),
            doc
        );
        let err = patched(
            doc.clone(),
            json!([{"op": "move", "from": "/a", "path": "/a/x/y"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::MoveIntoChild { .. }));
        assert!(
            patched(
                doc.clone(),
                json!([{"op": "move", "from": "/nope", "path": "/c"}])
            )
            .is_err()
        );
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "copy", "from": "/a", "path": "/b/0"}])
            )
            .unwrap(),
            json!({"a": {"x": 1}, "b": [{"x": 1}, 1, 2]})
        );
        let err = patched(doc.clone(), json!([{"op": "copy", "path": "/c"}])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json patch operation 0 (copy): missing or invalid 'from'"
        );
    }

    #[test]
    fn test_op() {
        let doc = json!({"n": 1, "s": "x", "o": {"a": [1.0, {}]}});
        assert!(
            patched(
                doc.clone(),
                json!([{"op": "test", "path": "/n", "value": 1}])
            )
            .is_ok()
        );
        assert!(
            patched(
                doc.clone(),
                json!([{"op": "test", "path": "/n", "value": 1.0}])
            )
            .is_ok()
        );
        assert!(
            patched(
                doc.clone(),
                json!([{"op": "test", "path": "/o", "value": {"a": [1, {}]}}])
            )
            .is_ok()
        );
        let err = patched(
            doc.clone(),
            json!([{"op": "test", "path": "/s", "value": "y"}]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "testing value \"/s\" failed: test operation failed"
        );
        assert!(
            patched(
                doc.clone(),
                json!([{"op": "test", "path": "/missing", "value": null}])
            )
            .is_err()
        );
        // `value: null` is present, not missing.
        assert!(
            patched(
                json!({"a": null}),
                json!([{"op": "test", "path": "/a", "value": null}])
            )
            .is_ok()
        );
    }

    #[test]
    fn pointer_escapes() {
        let doc = json!({"a/b": {"c~d": 1}, "": 2});
        assert_eq!(
            patched(
                doc.clone(),
                json!([{"op": "replace", "path": "/a~1b/c~0d", "value": 5}])
            )
            .unwrap(),
            json!({"a/b": {"c~d": 5}, "": 2})
        );
        assert_eq!(
            patched(doc.clone(), json!([{"op": "remove", "path": "/"}])).unwrap(),
            json!({"a/b": {"c~d": 1}})
        );
        let err = patched(doc.clone(), json!([{"op": "remove", "path": "/a~2"}])).unwrap_err();
        assert!(err.is_malformed());
        let err = patched(doc.clone(), json!([{"op": "remove", "path": "a"}])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json patch operation 0 (remove): invalid JSON pointer \"a\""
        );
        // Kubernetes annotation keys need both escapes.
        let mut obj = json!({"metadata": {"annotations": {}}});
        json_patch(
            &mut obj,
            &json!([{"op": "add", "path": "/metadata/annotations/example.com~1x", "value": "v"}]),
        )
        .unwrap();
        assert_eq!(obj["metadata"]["annotations"]["example.com/x"], "v");
    }

    #[test]
    fn malformed_patches() {
        let doc = json!({});
        for (patch, msg) in [
            (json!({}), "json patch must be an array of operations"),
            (json!([1]), "json patch operation 0 is not an object"),
            (
                json!([{"path": "/a"}]),
                "json patch operation 0 (?): missing or invalid 'op'",
            ),
            (
                json!([{"op": "add"}]),
                "json patch operation 0 (add): missing or invalid 'path'",
            ),
            (
                json!([{"op": "add", "path": "/a"}]),
                "json patch operation 0 (add): missing or invalid 'value'",
            ),
            (
                json!([{"op": "frob", "path": "/a"}]),
                "json patch operation 0: unknown op 'frob'",
            ),
        ] {
            let err = patched(doc.clone(), patch).unwrap_err();
            assert_eq!(err.to_string(), msg);
            assert!(err.is_malformed());
        }
    }

    #[test]
    fn atomic_on_failure() {
        let original = json!({"a": 1, "list": [1]});
        let mut doc = original.clone();
        let err = json_patch(
            &mut doc,
            &json!([
                {"op": "replace", "path": "/a", "value": 2},
                {"op": "add", "path": "/list/-", "value": 2},
                {"op": "test", "path": "/a", "value": 3},
            ]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::TestFailed { index: 2, .. }));
        assert_eq!(doc, original);
        json_patch(&mut doc, &json!([])).unwrap();
        assert_eq!(doc, original);
    }

    #[test]
    fn patch_never_panics_on_mutated_input() {
        let doc = json!({"a": {"b": [1, 2, {"c": "d"}]}, "e/f": {"~": null}});
        let ops = ["add", "remove", "replace", "move", "copy", "test", "x"];
        let paths = [
            "",
            "/",
            "/a",
            "/a/b",
            "/a/b/-",
            "/a/b/0",
            "/a/b/9",
            "/a/b/2/c",
            "/e~1f/~0",
            "/a~",
            "x",
            "/a/b/18446744073709551616",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..5000 {
            let mut ops_list = Vec::new();
            for _ in 0..rng.usize(1..4) {
                let mut op = serde_json::Map::new();
                op.insert("op".into(), json!(ops[rng.usize(0..ops.len())]));
                if rng.bool() {
                    op.insert("path".into(), json!(paths[rng.usize(0..paths.len())]));
                }
                if rng.bool() {
                    op.insert("from".into(), json!(paths[rng.usize(0..paths.len())]));
                }
                if rng.bool() {
                    op.insert("value".into(), json!({"v": rng.u8(..)}));
                }
                ops_list.push(Value::Object(op));
            }
            let mut d = doc.clone();
            let patch = Value::Array(ops_list);
            if json_patch(&mut d, &patch).is_err() {
                assert_eq!(d, doc);
            }
            merge_patch(&mut d, &patch);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod limit_tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize) -> Value {
        let mut v = json!(1);
        for _ in 1..depth {
            v = json!({ "a": v });
        }
        v
    }

    #[test]
    fn repeated_deep_adds_stop_at_the_depth_limit() {
        // Each add puts a 40-deep value at the deepest point of the last one:
        // the object would grow without bound and crash whatever recurses.
        let mut doc = json!({});
        let mut path = String::new();
        let mut ops = Vec::new();
        for _ in 0..10 {
            path.push_str("/x");
            ops.push(json!({"op": "add", "path": path, "value": {}}));
        }
        ops.push(json!({"op": "add", "path": format!("{path}/deep"), "value": nested(95)}));
        let before = doc.clone();
        let err = json_patch(&mut doc, &Value::Array(ops)).unwrap_err();
        assert!(matches!(err, PatchError::TooDeep { index: 10 }), "{err}");
        assert!(!err.is_malformed(), "a 422, not a 400");
        assert_eq!(doc, before, "atomic: nothing applied");
    }

    #[test]
    fn doubling_copies_stop_at_the_copy_limit() {
        let mut doc = json!({"x0": (0..1000).collect::<Vec<_>>()});
        let ops: Vec<Value> = (1..40)
            .map(|i| json!({"op": "copy", "from": "", "path": format!("/x{i}")}))
            .collect();
        let err = json_patch(&mut doc, &Value::Array(ops)).unwrap_err();
        assert!(matches!(err, PatchError::TooMuchCopied { .. }), "{err}");
    }

    #[test]
    fn copies_of_one_big_string_are_counted_in_bytes() {
        // Few values, many bytes: the attack a node count did not see.
        let big = "x".repeat(1024 * 1024);
        let mut doc = json!({"data": {"big": big}});
        let ops: Vec<Value> = (0..100)
            .map(|i| json!({"op": "copy", "from": "/data/big", "path": format!("/data/c{i}")}))
            .collect();
        let before = doc.clone();
        let err = json_patch(&mut doc, &Value::Array(ops)).unwrap_err();
        // The third copy passes 3 MiB: 3 * (1 MiB + 2 quotes).
        assert_eq!(
            err,
            PatchError::TooMuchCopied {
                index: 2,
                accumulated: 3 * (1024 * 1024 + 2)
            }
        );
        assert_eq!(
            err.to_string(),
            "Unable to complete the copy, the accumulated size increase of copy is 3145734, exceeding the limit 3145728"
        );
        assert!(!err.is_malformed(), "a 422, not a 400");
        assert_eq!(doc, before);
    }

    #[test]
    fn too_many_operations_are_refused_up_front() {
        let op = json!({"op": "test", "path": "", "value": {}});
        let ops = Value::Array(vec![op; MAX_OPS + 1]);
        let err = json_patch(&mut json!({}), &ops).unwrap_err();
        assert!(matches!(err, PatchError::TooManyOps { count } if count == MAX_OPS + 1));
        assert!(err.is_malformed());
    }

    #[test]
    fn ordinary_patches_are_unaffected() {
        let mut doc = json!({"spec": {"items": [{"name": "a"}]}});
        json_patch(
            &mut doc,
            &json!([
                {"op": "copy", "from": "/spec/items/0", "path": "/spec/items/-"},
                {"op": "replace", "path": "/spec/items/1/name", "value": "b"},
            ]),
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({"spec": {"items": [{"name": "a"}, {"name": "b"}]}})
        );
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::patch::{json_patch, merge_patch};
        use serde_json::json;

        let mut doc = json!({"spec": {"replicas": 1, "paused": true}});
        json_patch(
            &mut doc,
            &json!([{"op": "replace", "path": "/spec/replicas", "value": 3}]),
        )
        .unwrap();
        merge_patch(&mut doc, &json!({"spec": {"paused": null}}));
        assert_eq!(doc, json!({"spec": {"replicas": 3}}));
    }

    #[test]
    fn json_patch_example() {
        use crate::patch::json_patch;
        use serde_json::json;
        let mut doc = json!({"items": [1, 2]});
        json_patch(
            &mut doc,
            &json!([
                {"op": "add", "path": "/items/-", "value": 3},
                {"op": "test", "path": "/items/0", "value": 1},
                {"op": "move", "from": "/items/0", "path": "/first"},
            ]),
        )
        .unwrap();
        assert_eq!(doc, json!({"items": [2, 3], "first": 1}));
    }

    #[test]
    fn merge_patch_example() {
        use crate::patch::merge_patch;
        use serde_json::json;
        let mut doc = json!({"a": {"b": 1, "c": 2}, "list": [1, 2]});
        merge_patch(&mut doc, &json!({"a": {"b": null, "d": 4}, "list": [3]}));
        assert_eq!(doc, json!({"a": {"c": 2, "d": 4}, "list": [3]}));
    }
}
