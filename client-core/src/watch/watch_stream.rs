//! [`WatchStream`]: the typed watch events of one watch request.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::event_stream::{EventStream, WatchError};
use crate::WatchEvent;
use crate::error::{Error, RequestTarget, Result, TransportErrorKind};

type BodyStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A stream of [`WatchEvent`]s from one watch request.
///
/// Frames are newline-delimited JSON, decoded as the bytes arrive whatever
/// the chunk boundaries; only the current partial frame is buffered. A
/// malformed frame yields an [`Error::Watch`] and the stream goes on with the
/// next frame; a transport error or a truncated last frame yields an error
/// and ends the stream. The server ending the watch (its `timeoutSeconds`, a
/// restart) ends the stream: resume from the last event's resourceVersion.
///
/// Dropping the stream closes the request.
pub struct WatchStream<K> {
    target: RequestTarget,
    events: EventStream<BodyStream, K>,
    /// The stream's place on a pooled watch connection, given back when
    /// the stream is dropped.
    _slot: Option<crate::client::WatchSlot>,
}

impl<K> std::fmt::Debug for WatchStream<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchStream")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl<K> WatchStream<K> {
    pub(crate) fn new(
        target: RequestTarget,
        response: reqwest::Response,
        slot: Option<crate::client::WatchSlot>,
    ) -> Self {
        let body: BodyStream = Box::pin(response.bytes_stream());
        Self {
            target,
            events: EventStream::new(body),
            _slot: slot,
        }
    }

    /// The request this stream answers (verb and path).
    pub fn target(&self) -> &RequestTarget {
        &self.target
    }
}

impl<K: DeserializeOwned> Stream for WatchStream<K> {
    type Item = Result<WatchEvent<K>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        Pin::new(&mut this.events).poll_next(cx).map(|item| {
            item.map(|event| {
                event.map_err(|error| match error {
                    WatchError::Frame(source) => Error::Watch {
                        target: this.target.clone(),
                        source,
                    },
                    WatchError::Transport(source) => Error::Transport {
                        target: this.target.clone(),
                        kind: TransportErrorKind::Body,
                        source: source.without_url(),
                    },
                })
            })
        })
    }
}
