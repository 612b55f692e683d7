//! The `k8s\0` frame of a Kubernetes protobuf body: the four magic bytes,
//! then a `runtime.Unknown` whose `typeMeta` names the kind and whose `raw`
//! holds the object's message.

use serde_json::Value;

use super::message::Decoder;
use super::schema::Schema;
use super::wire::{Fields, WireValue};
use super::{DecodeError, ProtoError, Reason};

/// The magic prefix of every Kubernetes protobuf body.
pub(crate) const MAGIC: &[u8] = b"k8s\0";

/// The fields of a `runtime.Unknown` the server reads.
#[derive(Debug, Default, PartialEq, Eq)]
struct Frame<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
    content_encoding: String,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn frame(inner: &[u8]) -> Result<Frame<'_>, DecodeError> {
    let mut f = Frame::default();
    for item in Fields::new(inner) {
        match item? {
            (1, WireValue::Bytes(type_meta)) => {
                for item in Fields::new(type_meta) {
                    match item.map_err(|e| DecodeError::from(e).at("typeMeta"))? {
                        (1, WireValue::Bytes(x)) => f.api_version = text(x),
                        (2, WireValue::Bytes(x)) => f.kind = text(x),
                        (1 | 2, other) => {
                            return Err(DecodeError::from(Reason::WrongWireType(
                                other.wire_type(),
                            ))
                            .at("typeMeta"));
                        }
                        _ => {}
                    }
                }
            }
            (2, WireValue::Bytes(x)) => f.raw = x,
            (3, WireValue::Bytes(x)) => f.content_encoding = text(x),
            // contentType: always empty or protobuf's own from kube's clients.
            (4, WireValue::Bytes(_)) => {}
            (1..=4, other) => return Err(Reason::WrongWireType(other.wire_type()).into()),
            _ => {}
        }
    }
    Ok(f)
}

/// Decodes an enveloped object at nesting `depth` (0 for a request body;
/// more for an object inside a `RawExtension`).
///
/// # Errors
/// [`ProtoError::NoEnvelope`] without the magic prefix,
/// [`ProtoError::Unsupported`] for a kind not in `schema`,
/// [`ProtoError::Decode`] for malformed bytes.
pub(crate) fn decode(schema: &Schema, body: &[u8], depth: usize) -> Result<Value, ProtoError> {
    decode_with(&Decoder::new(schema, body.len()), body, depth)
}

/// As [`decode`], with the decoder (and its budget) of an enclosing body:
/// an object inside a `RawExtension`.
///
/// # Errors
/// As [`decode`].
pub(crate) fn decode_with(d: &Decoder<'_>, body: &[u8], depth: usize) -> Result<Value, ProtoError> {
    let schema = d.schema();
    let inner = body.strip_prefix(MAGIC).ok_or(ProtoError::NoEnvelope)?;
    let f = frame(inner).map_err(ProtoError::Envelope)?;
    if !f.content_encoding.is_empty() {
        return Err(ProtoError::Envelope(
            Reason::Invalid(format!(
                "content encoding {:?} is not supported",
                f.content_encoding
            ))
            .into(),
        ));
    }
    let version = f
        .api_version
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let index = schema
        .kind(&f.api_version, &f.kind)
        .ok_or_else(|| ProtoError::Unsupported {
            api_version: f.api_version.clone(),
            kind: f.kind.clone(),
        })?;
    let value = d
        .message(index, f.raw, depth + 1)
        .map_err(|error| ProtoError::Decode {
            kind: f.kind.clone(),
            version: version.clone(),
            error,
        })?;
    let mut object = match value {
        Value::Object(m) => m,
        // Every kind is a struct; a table that says otherwise is refused.
        other => {
            return Err(ProtoError::Decode {
                kind: f.kind,
                version,
                error: Reason::Invalid(format!("decodes to {other}, not an object")).into(),
            });
        }
    };
    object.insert("apiVersion".into(), Value::String(f.api_version));
    object.insert("kind".into(), Value::String(f.kind));
    Ok(Value::Object(object))
}
