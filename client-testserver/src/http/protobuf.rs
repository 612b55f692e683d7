//! Just enough Kubernetes protobuf to read the request bodies kubectl's
//! typed generators send (`kubectl create configmap|secret|namespace`):
//! the `k8s\0` envelope (`runtime.Unknown`), `ObjectMeta`, `ConfigMap`,
//! `Secret` and `Namespace`, and the self reviews of `kubectl auth`, decoded
//! into JSON. Responses stay JSON (kubectl
//! accepts both). Other kinds are refused, which the caller turns into 415.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

/// Why a protobuf body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ProtoError {
    /// The body does not start with `k8s\0`.
    #[error("missing the k8s protobuf envelope")]
    NoEnvelope,
    /// The bytes end inside a field or a varint is malformed.
    #[error("truncated or malformed protobuf")]
    Malformed,
    /// A string field is not UTF-8.
    #[error("invalid UTF-8 in a protobuf string")]
    Utf8,
    /// The kind is not one this decoder knows.
    #[error("protobuf bodies of kind {0:?} are not supported; send JSON")]
    Unsupported(String),
}

/// One field: number and payload.
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, ProtoError> {
        let mut v = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.buf.split_first().ok_or(ProtoError::Malformed)?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ProtoError::Malformed)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtoError> {
        if n > self.buf.len() {
            return Err(ProtoError::Malformed);
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    /// The next field, or `None` at the end.
    fn next(&mut self) -> Result<Option<(u64, Field<'a>)>, ProtoError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = match key & 7 {
            0 => Field::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Field::Fixed
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| ProtoError::Malformed)?;
                Field::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Field::Fixed
            }
            _ => return Err(ProtoError::Malformed),
        };
        Ok(Some((key >> 3, field)))
    }
}

fn fields(buf: &[u8]) -> impl Iterator<Item = Result<(u64, Field<'_>), ProtoError>> {
    let mut r = Reader { buf };
    std::iter::from_fn(move || r.next().transpose())
}

fn text(b: &[u8]) -> Result<String, ProtoError> {
    String::from_utf8(b.to_vec()).map_err(|_| ProtoError::Utf8)
}

/// A map entry (`key = 1`, `value = 2`); bytes values become base64.
fn entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), ProtoError> {
    let (mut k, mut v) = (String::new(), Value::String(String::new()));
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => k = text(x)?,
            (2, Field::Bytes(x)) if bytes_value => v = json!(STANDARD.encode(x)),
            (2, Field::Bytes(x)) => v = json!(text(x)?),
            _ => {}
        }
    }
    Ok((k, v))
}

fn insert_entry(
    m: &mut Map<String, Value>,
    key: &str,
    b: &[u8],
    bytes_value: bool,
) -> Result<(), ProtoError> {
    let (k, v) = entry(b, bytes_value)?;
    if let Value::Object(map) = m.entry(key).or_insert_with(|| json!({})) {
        map.insert(k, v);
    }
    Ok(())
}

fn push(m: &mut Map<String, Value>, key: &str, v: Value) {
    if let Value::Array(a) = m.entry(key).or_insert_with(|| json!([])) {
        a.push(v);
    }
}

fn owner_reference(b: &[u8]) -> Result<Value, ProtoError> {
    let mut m = Map::new();
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(m.insert("kind".into(), json!(text(x)?))),
            (3, Field::Bytes(x)) => drop(m.insert("name".into(), json!(text(x)?))),
            (4, Field::Bytes(x)) => drop(m.insert("uid".into(), json!(text(x)?))),
            (5, Field::Bytes(x)) => drop(m.insert("apiVersion".into(), json!(text(x)?))),
            (6, Field::Varint(v)) => drop(m.insert("controller".into(), json!(v != 0))),
            (7, Field::Varint(v)) => drop(m.insert("blockOwnerDeletion".into(), json!(v != 0))),
            _ => {}
        }
    }
    Ok(Value::Object(m))
}

fn object_meta(b: &[u8]) -> Result<Value, ProtoError> {
    let mut m = Map::new();
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(m.insert("name".into(), json!(text(x)?))),
            (2, Field::Bytes(x)) => drop(m.insert("generateName".into(), json!(text(x)?))),
            (3, Field::Bytes(x)) => drop(m.insert("namespace".into(), json!(text(x)?))),
            (5, Field::Bytes(x)) => drop(m.insert("uid".into(), json!(text(x)?))),
            (6, Field::Bytes(x)) => drop(m.insert("resourceVersion".into(), json!(text(x)?))),
            (11, Field::Bytes(x)) => insert_entry(&mut m, "labels", x, false)?,
            (12, Field::Bytes(x)) => insert_entry(&mut m, "annotations", x, false)?,
            (13, Field::Bytes(x)) => push(&mut m, "ownerReferences", owner_reference(x)?),
            (14, Field::Bytes(x)) => push(&mut m, "finalizers", json!(text(x)?)),
            _ => {}
        }
    }
    // Empty strings are protobuf's absent values.
    m.retain(|_, v| v.as_str() != Some(""));
    Ok(Value::Object(m))
}

fn config_map(b: &[u8], o: &mut Map<String, Value>) -> Result<(), ProtoError> {
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(o.insert("metadata".into(), object_meta(x)?)),
            (2, Field::Bytes(x)) => insert_entry(o, "data", x, false)?,
            (3, Field::Bytes(x)) => insert_entry(o, "binaryData", x, true)?,
            (4, Field::Varint(v)) => drop(o.insert("immutable".into(), json!(v != 0))),
            _ => {}
        }
    }
    Ok(())
}

fn secret(b: &[u8], o: &mut Map<String, Value>) -> Result<(), ProtoError> {
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(o.insert("metadata".into(), object_meta(x)?)),
            (2, Field::Bytes(x)) => insert_entry(o, "data", x, true)?,
            (3, Field::Bytes(x)) => drop(o.insert("type".into(), json!(text(x)?))),
            (4, Field::Bytes(x)) => insert_entry(o, "stringData", x, false)?,
            (5, Field::Varint(v)) => drop(o.insert("immutable".into(), json!(v != 0))),
            _ => {}
        }
    }
    Ok(())
}

fn namespace(b: &[u8], o: &mut Map<String, Value>) -> Result<(), ProtoError> {
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(o.insert("metadata".into(), object_meta(x)?)),
            (2, Field::Bytes(spec)) => {
                let mut s = Map::new();
                for f in fields(spec) {
                    if let (1, Field::Bytes(x)) = f? {
                        push(&mut s, "finalizers", json!(text(x)?));
                    }
                }
                o.insert("spec".into(), Value::Object(s));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Strings of a message by field number: `(number, json name)`.
fn strings(b: &[u8], names: &[(u64, &str)]) -> Result<Value, ProtoError> {
    let mut m = Map::new();
    for f in fields(b) {
        if let (n, Field::Bytes(x)) = f?
            && let Some((_, name)) = names.iter().find(|(k, _)| *k == n)
        {
            m.insert((*name).into(), json!(text(x)?));
        }
    }
    Ok(Value::Object(m))
}

/// `authorization/v1` reviews kubectl's `auth can-i` sends:
/// SelfSubjectAccessReview (spec: `resourceAttributes` 1,
/// `nonResourceAttributes` 2) and SelfSubjectRulesReview (spec:
/// `namespace` 1); `authentication/v1` SelfSubjectReview (`auth whoami`,
/// metadata only). Selectors inside `resourceAttributes` are not read.
fn review(kind: &str, b: &[u8], o: &mut Map<String, Value>) -> Result<(), ProtoError> {
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(x)) => drop(o.insert("metadata".into(), object_meta(x)?)),
            (2, Field::Bytes(spec)) if kind == "SelfSubjectAccessReview" => {
                let mut s = Map::new();
                for f in fields(spec) {
                    match f? {
                        (1, Field::Bytes(x)) => drop(s.insert(
                            "resourceAttributes".into(),
                            strings(
                                x,
                                &[
                                    (1, "namespace"),
                                    (2, "verb"),
                                    (3, "group"),
                                    (4, "version"),
                                    (5, "resource"),
                                    (6, "subresource"),
                                    (7, "name"),
                                ],
                            )?,
                        )),
                        (2, Field::Bytes(x)) => drop(s.insert(
                            "nonResourceAttributes".into(),
                            strings(x, &[(1, "path"), (2, "verb")])?,
                        )),
                        _ => {}
                    }
                }
                o.insert("spec".into(), Value::Object(s));
            }
            (2, Field::Bytes(spec)) if kind == "SelfSubjectRulesReview" => {
                o.insert("spec".into(), strings(spec, &[(1, "namespace")])?);
            }
            _ => {}
        }
    }
    Ok(())
}

/// Decodes a `k8s\0`-enveloped protobuf object into JSON.
///
/// # Errors
/// [`ProtoError`] for a missing envelope, malformed bytes, or a kind other
/// than ConfigMap, Secret and Namespace.
pub(crate) fn decode(body: &[u8]) -> Result<Value, ProtoError> {
    let inner = body.strip_prefix(b"k8s\0").ok_or(ProtoError::NoEnvelope)?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    for f in fields(inner) {
        match f? {
            (1, Field::Bytes(tm)) => {
                for f in fields(tm) {
                    match f? {
                        (1, Field::Bytes(x)) => api_version = text(x)?,
                        (2, Field::Bytes(x)) => kind = text(x)?,
                        _ => {}
                    }
                }
            }
            (2, Field::Bytes(x)) => raw = x,
            _ => {}
        }
    }
    let mut o = Map::new();
    o.insert("apiVersion".into(), json!(api_version));
    o.insert("kind".into(), json!(kind));
    match (api_version.as_str(), kind.as_str()) {
        ("v1", "ConfigMap") => config_map(raw, &mut o)?,
        ("v1", "Secret") => secret(raw, &mut o)?,
        ("v1", "Namespace") => namespace(raw, &mut o)?,
        ("authorization.k8s.io/v1", k @ ("SelfSubjectAccessReview" | "SelfSubjectRulesReview"))
        | ("authentication.k8s.io/v1", k @ "SelfSubjectReview") => review(k, raw, &mut o)?,
        _ => return Err(ProtoError::Unsupported(format!("{api_version}/{kind}"))),
    }
    Ok(Value::Object(o))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ld(field: u64, b: &[u8]) -> Vec<u8> {
        let mut out = vec![u8::try_from((field << 3) | 2).unwrap()];
        out.push(u8::try_from(b.len()).unwrap());
        out.extend_from_slice(b);
        out
    }

    fn envelope(kind: &str, raw: &[u8]) -> Vec<u8> {
        let tm = [ld(1, b"v1"), ld(2, kind.as_bytes())].concat();
        [b"k8s\0".to_vec(), ld(1, &tm), ld(2, raw)].concat()
    }

    #[test]
    fn self_subject_access_review() {
        let attrs = [
            ld(1, b"default"),
            ld(2, b"create"),
            ld(3, b"apps"),
            ld(5, b"deployments"),
        ]
        .concat();
        let raw = ld(2, &ld(1, &attrs));
        let tm = [
            ld(1, b"authorization.k8s.io/v1"),
            ld(2, b"SelfSubjectAccessReview"),
        ]
        .concat();
        let body = [b"k8s\0".to_vec(), ld(1, &tm), ld(2, &raw)].concat();
        let v = decode(&body).unwrap();
        assert_eq!(
            v["spec"]["resourceAttributes"],
            json!({"namespace": "default", "verb": "create", "group": "apps", "resource": "deployments"})
        );
        assert_eq!(v["kind"], "SelfSubjectAccessReview");
    }

    #[test]
    fn config_map_with_metadata_and_data() {
        let meta = [
            ld(1, b"foo"),
            ld(3, b"default"),
            ld(11, &[ld(1, b"app"), ld(2, b"web")].concat()),
            ld(14, b"example.com/f"),
        ]
        .concat();
        let raw = [
            ld(1, &meta),
            ld(2, &[ld(1, b"a"), ld(2, b"b")].concat()),
            vec![0x20, 1],
        ]
        .concat();
        let v = decode(&envelope("ConfigMap", &raw)).unwrap();
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "ConfigMap", "immutable": true,
                   "metadata": {"name": "foo", "namespace": "default", "labels": {"app": "web"}, "finalizers": ["example.com/f"]},
                   "data": {"a": "b"}})
        );
    }

    #[test]
    fn secret_bytes_become_base64() {
        let raw = [
            ld(1, &ld(1, b"s")),
            ld(2, &[ld(1, b"x"), ld(2, b"y")].concat()),
            ld(3, b"Opaque"),
        ]
        .concat();
        let v = decode(&envelope("Secret", &raw)).unwrap();
        assert_eq!(v["data"]["x"], "eQ==");
        assert_eq!(v["type"], "Opaque");
    }

    #[test]
    fn garbage_and_other_kinds_are_errors() {
        assert_eq!(decode(b"{}"), Err(ProtoError::NoEnvelope));
        assert_eq!(decode(b"k8s\0\x0a\xff"), Err(ProtoError::Malformed));
        assert!(matches!(
            decode(&envelope("Pod", &[])),
            Err(ProtoError::Unsupported(_))
        ));
        let mut r = Reader { buf: &[0xff; 11] };
        assert!(r.varint().is_err());
    }
}
