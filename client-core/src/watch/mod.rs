//! Watch streams: framing newline-delimited JSON and decoding [`WatchEvent`]s.
//!
//! [`FrameDecoder`] splits the body into lines across any chunk boundaries,
//! [`decode_event`] turns one line into a [`WatchEvent`], and [`EventStream`]
//! combines both over any stream of byte chunks.
//!
//! [`WatchEvent`]: crate::api::WatchEvent

mod frame;
mod response;
mod stream;

pub use frame::{DEFAULT_MAX_FRAME_LEN, FrameDecoder, FrameError, decode_event};
pub use response::WatchStream;
pub use stream::{EventStream, WatchError};

#[cfg(test)]
mod tests;
