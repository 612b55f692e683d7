//! Kubernetes protobuf request bodies, decoded into the JSON the rest of
//! the server works on. kubectl's typed generators (`create deployment`,
//! `create job`, `create role`, `auth can-i`, ...) send
//! `application/vnd.kubernetes.protobuf`; responses stay JSON, which
//! kubectl accepts.
//!
//! One generic decoder serves every built-in kind of the 1.33 catalog:
//! `wire` reads the wire format, `schema` holds the message descriptors
//! (generated from the published `generated.proto` files and their Go
//! structs), `message` turns a message into a JSON object with Go's JSON
//! names and `omitempty` rules, `special` gives the types with their own
//! JSON form (quantities, int-or-string, times, durations, raw
//! extensions, ...), and `envelope` reads the `k8s\0` + `runtime.Unknown`
//! frame that names the kind. Every length is checked, nesting is bounded
//! and no input panics: errors are [`ProtoError`], answered with 400 (an
//! unknown kind with 415).

mod envelope;
mod message;
pub(crate) mod schema;
mod special;
mod wire;

use serde_json::Value;

/// Why the bytes of a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Reason {
    /// The data ends inside a key, a varint or a fixed-width value.
    #[error("unexpected end of data")]
    Truncated,
    /// A varint runs past ten bytes or overflows 64 bits.
    #[error("varint overflows 64 bits")]
    VarintOverflow,
    /// A key with field number 0 or above 2^29 - 1.
    #[error("illegal tag {number} (wire type {wire})")]
    IllegalTag {
        /// The field number read.
        number: u64,
        /// The wire type read.
        wire: u8,
    },
    /// Groups (wire types 3, 4) and the unused wire types 6 and 7.
    #[error("wire type {0} is not supported")]
    UnsupportedWireType(u8),
    /// A length-delimited field longer than what is left of its message.
    #[error("length {len} exceeds the {available} bytes left")]
    Length {
        /// The length read.
        len: u64,
        /// The bytes left.
        available: usize,
    },
    /// A known field with another wire type than its type has.
    #[error("wrong wire type {0} for this field")]
    WrongWireType(u8),
    /// Messages nested past [`message::MAX_DEPTH`].
    #[error("messages nested deeper than {0}")]
    TooDeep(usize),
    /// More JSON values than the body's size allows
    /// ([`message::VALUES_PER_BYTE`]).
    #[error("the object decodes into more values than its size allows")]
    TooLarge,
    /// A value that has no JSON form (a NaN, an IntOrString of an unknown
    /// type, a raw extension that is not JSON, ...).
    #[error("{0}")]
    Invalid(String),
}

/// A [`Reason`] and the JSON path of the field it happened in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError {
    /// Path segments, innermost first (`[0]` for a list index).
    path: Vec<String>,
    /// What went wrong.
    pub(crate) reason: Reason,
}

impl DecodeError {
    /// The same error, one level further out, inside field `segment`.
    pub(crate) fn at(mut self, segment: impl Into<String>) -> Self {
        self.path.push(segment.into());
        self
    }

    /// The path as `spec.template.spec.containers[0].image`.
    pub(crate) fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.path.iter().rev() {
            if !out.is_empty() && !seg.starts_with('[') {
                out.push('.');
            }
            out.push_str(seg);
        }
        out
    }
}

impl From<Reason> for DecodeError {
    fn from(reason: Reason) -> Self {
        DecodeError {
            path: Vec::new(),
            reason,
        }
    }
}

/// Why a protobuf body could not be read. The texts are the messages of
/// the 400 (or 415) Status the server answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ProtoError {
    /// The body does not start with `k8s\0` (the text is Go's protobuf
    /// serializer's).
    #[error(
        "the body of the request could not be decoded as protobuf: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    )]
    NoEnvelope,
    /// The envelope names a kind the table does not hold.
    #[error("protobuf bodies of kind {api_version}/{kind} are not supported; send JSON")]
    Unsupported {
        /// The envelope's `apiVersion`.
        api_version: String,
        /// The envelope's `kind`.
        kind: String,
    },
    /// The envelope itself is malformed.
    #[error("the body of the request could not be decoded as protobuf: envelope: {}", located(.0))]
    Envelope(DecodeError),
    /// The object in the envelope is malformed: kube-apiserver's
    /// `transformDecodeError` wording, with the envelope's kind as the
    /// target (they agree for every request kubectl sends).
    #[error("{kind} in version {version:?} cannot be handled as a {kind}: {}", located(.error))]
    Decode {
        /// The envelope's kind.
        kind: String,
        /// The version of the envelope's apiVersion (`v1` of `apps/v1`).
        version: String,
        /// What went wrong, and where.
        error: DecodeError,
    },
}

/// `path: reason`, or the reason alone at the top of the message.
fn located(error: &DecodeError) -> String {
    let path = error.path();
    if path.is_empty() {
        error.reason.to_string()
    } else {
        format!("{path}: {}", error.reason)
    }
}

/// Decodes a `k8s\0`-enveloped protobuf object of any built-in kind into
/// the JSON Go's encoder would write for it.
///
/// # Errors
/// [`ProtoError`] for a missing envelope, malformed bytes, or a kind that
/// is not built in.
pub(crate) fn decode(body: &[u8]) -> Result<Value, ProtoError> {
    envelope::decode(schema::Schema::builtin(), body, 0)
}

/// Decodes `raw` as the object of the built-in kind `selector` picks
/// (modulo the number of kinds), without an envelope: what the fuzz
/// target feeds, so that its bytes reach the message decoders directly.
///
/// # Errors
/// [`ProtoError::Decode`] for malformed bytes.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn decode_kind(selector: usize, raw: &[u8]) -> Result<Value, ProtoError> {
    let schema = schema::Schema::builtin();
    let Some((kind, index)) = schema.nth_kind(selector % schema.kind_count().max(1)) else {
        return Err(ProtoError::Unsupported {
            api_version: String::new(),
            kind: String::new(),
        });
    };
    let (api_version, kind) = kind.rsplit_once('/').unwrap_or(("", kind));
    message::Decoder::new(schema, raw.len())
        .message(index, raw, 0)
        .map_err(|error| ProtoError::Decode {
            kind: kind.to_string(),
            version: api_version
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
            error,
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
