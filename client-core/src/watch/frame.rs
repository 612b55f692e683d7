//! Splitting a watch body (newline-delimited JSON) into frames, and decoding a frame.

use std::fmt::Write as _;

use std::ops::Range;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::WatchEvent;

/// The default largest frame (one event line) a [`FrameDecoder`] accepts: 16 MiB.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// An error while framing or decoding a watch stream.
///
/// Messages never quote object contents: a [`FrameError::Malformed`] carries
/// a redacted excerpt in which string values are masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A line grew beyond the maximum frame length. The decoder skips the rest
    /// of that line and carries on with the next one.
    #[error("watch event of at least {len} bytes exceeds the {max}-byte frame limit")]
    TooLarge {
        /// The bytes seen of the line so far.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The stream ended in the middle of a frame.
    #[error("watch stream ended inside an event ({len} bytes without a closing newline)")]
    Truncated {
        /// The length of the incomplete frame.
        len: usize,
    },
    /// A frame is not a valid watch event (bad JSON, unknown `type`, wrong object shape).
    #[error("malformed watch event: {reason}; frame starts {excerpt}")]
    Malformed {
        /// What is wrong and where (line, column), without quoting input strings.
        reason: String,
        /// The start of the frame with string values masked.
        excerpt: String,
    },
}

/// Splits a byte stream of newline-delimited JSON into frames, across any chunk boundaries.
///
/// Feed chunks with [`push_bytes`](Self::push_bytes) (or
/// [`push`](Self::push), which copies) and take frames with
/// [`next_frame`](Self::next_frame) until it returns `Ok(None)`. The decoder
/// holds the last chunk and reads frames straight out of it: a frame that
/// lies whole inside one chunk is never copied ([`EventStream`] decodes it
/// in place). Only a frame that crosses a chunk boundary is gathered in a
/// buffer, which is reused from one such frame to the next. Blank lines,
/// and whitespace such as a `\r` before the newline, are skipped. A line
/// longer than the maximum frame length gives [`FrameError::TooLarge`]
/// once; its remaining bytes are dropped as they arrive, so memory stays
/// bounded by the limit plus one chunk.
///
/// [`EventStream`]: super::event_stream::EventStream
#[derive(Debug)]
pub struct FrameDecoder {
    /// The last chunk pushed; bytes before `pos` are consumed.
    chunk: Bytes,
    /// The read position in `chunk`.
    pos: usize,
    /// The start of a frame that crosses chunk boundaries.
    partial: Vec<u8>,
    /// `partial` holds a frame already handed out: clear it before reading on.
    partial_handed_out: bool,
    max_frame_len: usize,
    /// Dropping the rest of an oversized line until its newline.
    discarding: bool,
}

/// Where the next frame lies: bytes of the current chunk, or of the
/// gathering buffer (the range is within it).
enum Found {
    Chunk(Range<usize>),
    Partial(Range<usize>),
}

impl Default for FrameDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameDecoder {
    /// A decoder with the default 16 MiB frame limit.
    pub fn new() -> Self {
        Self::with_max_frame_len(DEFAULT_MAX_FRAME_LEN)
    }

    /// A decoder that rejects lines longer than `max` bytes.
    pub fn with_max_frame_len(max: usize) -> Self {
        Self {
            chunk: Bytes::new(),
            pos: 0,
            partial: Vec::new(),
            partial_handed_out: false,
            max_frame_len: max,
            discarding: false,
        }
    }

    /// The frame limit in bytes.
    #[cfg(any(test, feature = "bench-internals"))]
    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }

    /// The number of buffered bytes not yet returned as frames.
    #[cfg(any(test, feature = "bench-internals"))]
    pub fn buffered_len(&self) -> usize {
        let partial = if self.partial_handed_out {
            0
        } else {
            self.partial.len()
        };
        partial + self.chunk.len() - self.pos
    }

    /// Appends a copy of the next chunk of the body; see [`push_bytes`](Self::push_bytes).
    #[cfg(any(test, feature = "bench-internals"))]
    pub fn push(&mut self, chunk: &[u8]) {
        self.push_bytes(Bytes::copy_from_slice(chunk));
    }

    /// Appends the next chunk of the body, keeping it without a copy.
    ///
    /// Drain the frames with [`next_frame`](Self::next_frame) after each push:
    /// the frame limit is enforced there. (If the previous chunk was not
    /// drained, its unread bytes are joined with this one.)
    pub fn push_bytes(&mut self, chunk: Bytes) {
        if self.pos < self.chunk.len() {
            let mut joined = Vec::with_capacity(self.chunk.len() - self.pos + chunk.len());
            joined.extend_from_slice(&self.chunk[self.pos..]);
            joined.extend_from_slice(&chunk);
            self.chunk = Bytes::from(joined);
        } else {
            self.chunk = chunk;
        }
        self.pos = 0;
    }

    /// The next complete, non-blank frame (without its line ending), or `Ok(None)`
    /// if more bytes are needed. The frame is copied out of the decoder;
    /// [`next_line`](Self::next_line) lends it instead.
    ///
    /// # Errors
    ///
    /// [`FrameError::TooLarge`] when a line exceeds the limit; call again to
    /// continue with the following lines.
    #[cfg(any(test, feature = "bench-internals"))]
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, FrameError> {
        Ok(self.next_line()?.map(Bytes::copy_from_slice))
    }

    /// Like [`next_frame`](Self::next_frame), but the frame is lent: a slice
    /// of the current chunk, or of the buffer where a frame that crossed
    /// chunks was gathered. Nothing is copied for a frame inside one chunk.
    ///
    /// # Errors
    ///
    /// As [`next_frame`](Self::next_frame).
    pub(crate) fn next_line(&mut self) -> Result<Option<&[u8]>, FrameError> {
        if self.partial_handed_out {
            self.partial.clear();
            self.partial_handed_out = false;
        }
        let found = loop {
            let rest = &self.chunk[self.pos..];
            let newline = memchr::memchr(b'\n', rest);
            if self.discarding {
                // The rest of a line already reported as too large.
                let Some(end) = newline else {
                    self.pos = self.chunk.len();
                    return Ok(None);
                };
                self.pos += end + 1;
                self.discarding = false;
                continue;
            }
            let Some(end) = newline else {
                // No newline: the rest belongs to a frame that goes on in the next chunk.
                let len = self.partial.len() + rest.len();
                if len > self.max_frame_len {
                    self.partial.clear();
                    self.pos = self.chunk.len();
                    self.discarding = true;
                    return Err(FrameError::TooLarge {
                        len,
                        max: self.max_frame_len,
                    });
                }
                self.partial.extend_from_slice(rest);
                self.pos = self.chunk.len();
                return Ok(None);
            };
            let start = self.pos;
            self.pos += end + 1;
            let found = if self.partial.is_empty() {
                trimmed(&self.chunk, start..start + end).map(Found::Chunk)
            } else {
                self.partial
                    .extend_from_slice(&self.chunk[start..start + end]);
                let range = trimmed(&self.partial, 0..self.partial.len());
                if range.is_none() {
                    self.partial.clear();
                }
                range.map(Found::Partial)
            };
            if let Some(found) = found {
                break found;
            }
        };
        let line = match found {
            Found::Chunk(range) => &self.chunk[range],
            Found::Partial(range) => {
                self.partial_handed_out = true;
                &self.partial[range]
            }
        };
        if line.len() > self.max_frame_len {
            return Err(FrameError::TooLarge {
                len: line.len(),
                max: self.max_frame_len,
            });
        }
        Ok(Some(line))
    }

    /// Ends the stream.
    ///
    /// # Errors
    ///
    /// [`FrameError::Truncated`] if a non-blank partial frame is left (the
    /// body ended without the frame's newline). The rest of a line already
    /// reported as too large is not an error here.
    pub fn finish(mut self) -> Result<(), FrameError> {
        if self.discarding {
            return Ok(());
        }
        if self.partial_handed_out {
            self.partial.clear();
        }
        self.partial.extend_from_slice(&self.chunk[self.pos..]);
        match self.partial.trim_ascii().len() {
            0 => Ok(()),
            len => Err(FrameError::Truncated { len }),
        }
    }
}

/// `range` of `bytes` without leading and trailing ASCII whitespace, or
/// `None` if that leaves nothing.
fn trimmed(bytes: &[u8], range: Range<usize>) -> Option<Range<usize>> {
    let line = &bytes[range.clone()];
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    Some(range.start + start..range.start + end)
}

/// Decodes one frame as a [`WatchEvent`].
///
/// # Errors
///
/// [`FrameError::Malformed`] if the frame is not JSON, has an unknown `type`,
/// or its object does not decode as `K`. The error quotes no string values
/// from the frame.
pub fn decode_event<K: DeserializeOwned>(frame: &[u8]) -> Result<WatchEvent<K>, FrameError> {
    // One UTF-8 check for the whole frame, then `from_str`.
    crate::decode::from_bytes(frame).map_err(|e| malformed(frame, &e))
}

fn malformed(frame: &[u8], err: &serde_json::Error) -> FrameError {
    use serde_json::error::Category;

    let category = match err.classify() {
        Category::Io => "I/O error",
        Category::Syntax => "invalid JSON",
        Category::Data => "unexpected content",
        Category::Eof => "incomplete JSON",
    };
    FrameError::Malformed {
        reason: format!("{category}: {}", redact_message(&err.to_string())),
        excerpt: redacted_excerpt(frame, EXCERPT_LEN),
    }
}

const EXCERPT_LEN: usize = 96;

/// Masks input-derived parts of a serde error message.
///
/// serde quotes input strings in double quotes (`invalid type: string "..."`)
/// and an unknown enum value in backticks (`unknown variant `X``); both are
/// replaced by `…`. Other backticked names (expected variants, field names)
/// come from the Rust types and are kept.
fn redact_message(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mask_first_backtick = msg.starts_with("unknown variant");
    let mut backticks_seen = 0;
    let mut chars = msg.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push_str("\"…\"");
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
            }
            '`' => {
                backticks_seen += 1;
                let mut token = String::new();
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                    token.push(c);
                }
                let safe = !(mask_first_backtick && backticks_seen == 1)
                    && token.len() <= 64
                    && token
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                out.push('`');
                out.push_str(if safe { &token } else { "…" });
                out.push('`');
            }
            c => out.push(c),
        }
    }
    out
}

/// The start of `frame` as text, with string values masked.
///
/// Object keys are kept (they are field names), and so are a `type` that is
/// a watch event type and a `kind` or `apiVersion` that looks like an
/// identifier; every other string value becomes `"…"`. Non-ASCII bytes outside strings show as `?`.
pub(crate) fn redacted_excerpt(frame: &[u8], max_chars: usize) -> String {
    let mut out = String::new();
    let mut last_key: Option<&[u8]> = None;
    let mut i = 0;
    while i < frame.len() && out.chars().count() < max_chars {
        let b = frame[i];
        if b != b'"' {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '?'
            });
            i += 1;
            continue;
        }
        // A string: find its closing quote.
        let start = i + 1;
        let mut j = start;
        while j < frame.len() && frame[j] != b'"' {
            j += if frame[j] == b'\\' { 2 } else { 1 };
        }
        let content = &frame[start..j.min(frame.len())];
        let mut k = j + 1;
        while k < frame.len() && frame[k].is_ascii_whitespace() {
            k += 1;
        }
        let is_key = frame.get(k) == Some(&b':');
        let shown = if is_key {
            last_key = Some(content);
            true
        } else {
            match last_key {
                Some(b"type") => matches!(
                    content,
                    b"ADDED" | b"MODIFIED" | b"DELETED" | b"BOOKMARK" | b"ERROR"
                ),
                Some(b"kind" | b"apiVersion") => {
                    content.len() <= 64
                        && content
                            .iter()
                            .all(|c| c.is_ascii_alphanumeric() || b"./-_".contains(c))
                }
                _ => false,
            }
        };
        if shown {
            // A shown key or value never takes the excerpt past its length.
            let room = max_chars.saturating_sub(out.chars().count());
            out.push('"');
            for &c in content.iter().take(room.min(64)) {
                out.push(if c.is_ascii_graphic() || c == b' ' {
                    char::from(c)
                } else {
                    '?'
                });
            }
            if j < frame.len() {
                out.push('"');
            }
        } else {
            out.push_str("\"…\"");
        }
        i = j + 1;
    }
    if i < frame.len() {
        out.push('…');
    }
    let _ = write!(out, " ({} bytes)", frame.len());
    out
}
