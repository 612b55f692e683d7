//! Watch streams: framing newline-delimited JSON and decoding [`WatchEvent`]s.
//!
//! [`FrameDecoder`] splits the body into lines across any chunk boundaries,
//! [`decode_event`] turns one line into a [`WatchEvent`], and [`EventStream`]
//! combines both over any stream of byte chunks; [`WatchStream`] is that
//! stream over one watch answer, with the client's errors. Only
//! [`WatchStream`] and [`FrameError`] are public; the framing is reachable by
//! benchmarks through the `bench-internals` feature.
//!
//! [`WatchEvent`]: crate::WatchEvent

mod event_stream;
mod frame;
mod watch_stream;

pub use frame::FrameError;
pub use watch_stream::WatchStream;

#[cfg(any(test, feature = "bench-internals"))]
pub use event_stream::{EventStream, WatchError};
#[cfg(any(test, feature = "bench-internals"))]
pub use frame::{DEFAULT_MAX_FRAME_LEN, FrameDecoder, decode_event};

#[cfg(test)]
mod tests;
