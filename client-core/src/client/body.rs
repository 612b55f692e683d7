//! Reading an answer's body within a bound: a broken or hostile server
//! cannot make the client hold more than [`Config::max_response_bytes`]
//! (or [`ERROR_BODY_LIMIT`] of an error answer).
//!
//! A list's body is decoded as it arrives ([`read_list`]) and never held whole.
//!
//! [`Config::max_response_bytes`]: crate::Config::max_response_bytes

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;

use crate::List;
pub(crate) use crate::config::ERROR_BODY_LIMIT;
use crate::decode::{ListDecodeError, ListDecoder};
use crate::error::{Error, RequestTarget, Result};

/// How an over-long body ends the read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnOverflow {
    /// Fail with [`Error::ResponseTooLarge`] (a success body).
    Fail,
    /// Keep the first `limit` bytes and drop the rest (an error answer).
    Truncate,
}

/// Reads `response`'s body, at most `limit` bytes. A read that runs into
/// the request's timeout (`timeout`) is an [`Error::Timeout`].
///
/// # Errors
/// [`Error::ResponseTooLarge`] past the limit (with [`OnOverflow::Fail`]),
/// [`Error::Timeout`], or a transport error.
pub(crate) async fn read_bounded(
    target: &RequestTarget,
    mut response: reqwest::Response,
    limit: usize,
    on_overflow: OnOverflow,
    timeout: Option<Duration>,
) -> Result<Bytes> {
    let declared = declared_length(target, &response, limit, on_overflow)?;
    let mut body = Collected::default();
    while let Some(chunk) = next_chunk(target, &mut response, timeout).await? {
        let room = limit - body.len();
        if chunk.len() > room {
            match on_overflow {
                OnOverflow::Fail => return Err(too_large(target, limit)),
                OnOverflow::Truncate => {
                    body.push(chunk.slice(..room), declared);
                    break;
                }
            }
        }
        body.push(chunk, declared);
    }
    Ok(body.into_bytes())
}

/// Reads a list answer's body into a [`ListDecoder`] chunk by chunk, at most
/// `limit` bytes in all: the items are decoded as they arrive, and the body
/// is never held whole. Errors as [`read_bounded`] with [`OnOverflow::Fail`],
/// and [`Error::Decode`] as soon as the body cannot be a list of `K`.
pub(crate) async fn read_list<K: DeserializeOwned + Send>(
    target: &RequestTarget,
    response: reqwest::Response,
    limit: usize,
    timeout: Option<Duration>,
) -> Result<List<K>> {
    let what = std::any::type_name::<List<K>>();
    let mut decoder = ListDecoder::<K>::new();
    // Only the decoder is typed: the reading is compiled once for every `K`.
    read_chunks(target, response, limit, timeout, what, &mut |chunk| {
        decoder.feed(chunk)
    })
    .await?;
    decoder.finish().map_err(|e| list_error(target, what, e))
}

/// [`read_list`]'s loop: each chunk of the body to `feed`, at most `limit`
/// bytes in all.
async fn read_chunks(
    target: &RequestTarget,
    mut response: reqwest::Response,
    limit: usize,
    timeout: Option<Duration>,
    what: &'static str,
    feed: &mut (dyn FnMut(&[u8]) -> std::result::Result<(), ListDecodeError> + Send),
) -> Result<()> {
    declared_length(target, &response, limit, OnOverflow::Fail)?;
    let mut received = 0usize;
    while let Some(chunk) = next_chunk(target, &mut response, timeout).await? {
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(too_large(target, limit));
        }
        feed(&chunk).map_err(|e| list_error(target, what, e))?;
    }
    Ok(())
}

/// [`Error::Decode`] for a list body that cannot be a `what`.
fn list_error(target: &RequestTarget, what: &'static str, error: ListDecodeError) -> Error {
    Error::Decode {
        target: target.clone(),
        what,
        source: serde::de::Error::custom(error),
    }
}

/// The `Content-Length`, refused at once when it is past `limit` (with [`OnOverflow::Fail`]).
fn declared_length(
    target: &RequestTarget,
    response: &reqwest::Response,
    limit: usize,
    on_overflow: OnOverflow,
) -> Result<Option<usize>> {
    let declared = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    if on_overflow == OnOverflow::Fail && declared.is_some_and(|n| n > limit) {
        return Err(too_large(target, limit));
    }
    Ok(declared)
}

/// The next chunk of the body, `None` at its end; a read that runs into the
/// request's timeout is an [`Error::Timeout`].
async fn next_chunk(
    target: &RequestTarget,
    response: &mut reqwest::Response,
    timeout: Option<Duration>,
) -> Result<Option<Bytes>> {
    match response.chunk().await {
        Ok(chunk) => Ok(chunk),
        Err(e) if e.is_timeout() => Err(Error::Timeout {
            target: target.clone(),
            after: timeout.unwrap_or_default(),
        }),
        Err(e) => Err(super::transport(target, e)),
    }
}

/// [`Error::ResponseTooLarge`] for `target`.
fn too_large(target: &RequestTarget, limit: usize) -> Error {
    Error::ResponseTooLarge {
        target: target.clone(),
        limit,
    }
}

/// A body as it arrives: the first chunk kept as it is (a small answer is
/// one chunk, and needs no copy), later ones copied after it.
#[derive(Default)]
struct Collected {
    /// The body while it is one chunk.
    single: Option<Bytes>,
    /// The body once a second chunk arrived.
    joined: BytesMut,
}

impl Collected {
    /// The bytes held so far.
    fn len(&self) -> usize {
        self.single.as_ref().map_or(0, Bytes::len) + self.joined.len()
    }

    /// Appends `chunk`; `declared` (the `Content-Length`) sizes the copy.
    fn push(&mut self, chunk: Bytes, declared: Option<usize>) {
        if chunk.is_empty() {
            return;
        }
        if self.single.is_none() && self.joined.is_empty() {
            self.single = Some(chunk);
            return;
        }
        if let Some(first) = self.single.take() {
            let wanted = declared.unwrap_or(0).max(first.len() + chunk.len());
            self.joined.reserve(wanted);
            self.joined.extend_from_slice(&first);
        }
        self.joined.extend_from_slice(&chunk);
    }

    /// The whole body.
    fn into_bytes(self) -> Bytes {
        match self.single {
            Some(single) => single,
            None => self.joined.freeze(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_without_a_copy() {
        let chunk = Bytes::from_static(b"{\"kind\":\"Widget\"}");
        let mut body = Collected::default();
        body.push(Bytes::new(), None);
        body.push(chunk.clone(), Some(chunk.len()));
        body.push(Bytes::new(), None);
        assert_eq!(body.len(), chunk.len());
        let bytes = body.into_bytes();
        assert_eq!(bytes, chunk);
        assert_eq!(
            bytes.as_ptr(),
            chunk.as_ptr(),
            "the chunk itself, not a copy"
        );
    }

    #[test]
    fn later_chunks_are_joined_in_order() {
        let mut body = Collected::default();
        for part in ["ab", "", "cde", "f"] {
            body.push(Bytes::from(part), Some(6));
        }
        assert_eq!(body.len(), 6);
        assert_eq!(body.into_bytes(), Bytes::from_static(b"abcdef"));
        assert_eq!(Collected::default().into_bytes(), Bytes::new());
    }
}
