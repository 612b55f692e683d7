//! [`EventStream`]: typed watch events over a stream of body chunks.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::frame::{FrameDecoder, FrameError, decode_event};
use crate::WatchEvent;

/// An error from an [`EventStream`].
#[derive(Debug, thiserror::Error)]
pub enum WatchError<E> {
    /// Reading the body failed; the stream ends after this.
    #[error("reading the watch stream failed")]
    Transport(#[source] E),
    /// A frame could not be split out or decoded.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// Decodes [`WatchEvent`]s from any stream of body chunks (`Result<impl Into<Bytes>, E>`).
///
/// Each chunk is kept as it came ([`Bytes`] are not copied) and an event
/// that lies whole inside it is decoded in place; only an event that
/// crosses chunks is gathered in a buffer. The inner stream is polled only
/// when the chunk in hand holds no complete event, so a chunk of many
/// events costs one poll of the body. Error behaviour:
///
/// * a malformed line ([`FrameError::Malformed`]) or an oversized one
///   ([`FrameError::TooLarge`]) is yielded as an `Err` item, and the stream
///   **continues** with the next line (each line is independent); a caller that
///   wants client-go's behaviour (stop at the first decode error) drops the
///   stream at the first `Err`;
/// * a transport error is yielded once, then the stream ends;
/// * a body that ends inside a line yields [`FrameError::Truncated`], then ends.
///
/// The stream is `Send + 'static` when `S` and `E` are; it does not need `K: Send`
/// until events are produced.
pub struct EventStream<S, K> {
    inner: S,
    decoder: FrameDecoder,
    done: bool,
    marker: PhantomData<fn() -> K>,
}

impl<S, K> std::fmt::Debug for EventStream<S, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("decoder", &self.decoder)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<S, K> EventStream<S, K> {
    /// Wraps `inner` with a default [`FrameDecoder`] (16 MiB frame limit).
    pub fn new(inner: S) -> Self {
        Self::with_decoder(inner, FrameDecoder::new())
    }

    /// Wraps `inner` with the given decoder (for a different frame limit).
    pub fn with_decoder(inner: S, decoder: FrameDecoder) -> Self {
        Self {
            inner,
            decoder,
            done: false,
            marker: PhantomData,
        }
    }

    /// The wrapped chunk stream.
    #[cfg(feature = "bench-internals")]
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, B, E, K> Stream for EventStream<S, K>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: Into<Bytes>,
    K: DeserializeOwned,
{
    type Item = Result<WatchEvent<K>, WatchError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match this.decoder.next_line() {
                Ok(Some(frame)) => {
                    return Poll::Ready(Some(decode_event(frame).map_err(WatchError::Frame)));
                }
                Err(e) => return Poll::Ready(Some(Err(WatchError::Frame(e)))),
                Ok(None) => {}
            }
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(chunk)) => this.decoder.push_bytes(chunk.into()),
                Some(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(WatchError::Transport(e))));
                }
                None => {
                    this.done = true;
                    let decoder = std::mem::take(&mut this.decoder);
                    if let Err(e) = decoder.finish() {
                        return Poll::Ready(Some(Err(WatchError::Frame(e))));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}
