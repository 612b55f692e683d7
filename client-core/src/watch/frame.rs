//! Splitting a watch body (newline-delimited JSON) into frames, and decoding a frame.

use std::fmt::Write as _;

use bytes::{Buf, Bytes, BytesMut};
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
/// Feed chunks with [`push`](Self::push) and take frames with
/// [`next_frame`](Self::next_frame) until it returns `Ok(None)`. Only unread
/// bytes are kept: complete frames are handed out as zero-copy [`Bytes`] and
/// the buffer holds at most the current partial frame (plus whatever the
/// last pushed chunk brought). Blank lines, and whitespace such as a `\r`
/// before the newline, are skipped. A line longer than the maximum frame
/// length gives [`FrameError::TooLarge`] once; its remaining bytes are
/// dropped as they arrive, so memory stays bounded.
#[derive(Debug)]
pub struct FrameDecoder {
    buf: BytesMut,
    /// How many leading bytes of `buf` are known to hold no newline.
    scanned: usize,
    max_frame_len: usize,
    /// Dropping the rest of an oversized line until its newline.
    discarding: bool,
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
            buf: BytesMut::new(),
            scanned: 0,
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
        self.buf.len()
    }

    /// Appends the next chunk of the body.
    ///
    /// Drain the frames with [`next_frame`](Self::next_frame) after each push:
    /// the frame limit is enforced there.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.discarding {
            if let Some(i) = memchr_newline(chunk) {
                self.discarding = false;
                self.buf.extend_from_slice(&chunk[i + 1..]);
            }
        } else {
            self.buf.extend_from_slice(chunk);
        }
    }

    /// Appends `chunk` like [`push`](Self::push), except that when nothing is
    /// buffered and `chunk` holds a complete first line, that line is
    /// returned as a slice of `chunk` instead of being copied (only the rest
    /// of the chunk is buffered). The line is what
    /// [`next_frame`](Self::next_frame) would have returned next: trimmed,
    /// non-blank and within the limit; otherwise the chunk is simply pushed.
    ///
    /// Call it only after [`next_frame`](Self::next_frame) returned `Ok(None)`,
    /// so that no complete frame is waiting in the buffer.
    pub(crate) fn push_taking_first_line<'c>(&mut self, chunk: &'c [u8]) -> Option<&'c [u8]> {
        if self.discarding || !self.buf.is_empty() {
            self.push(chunk);
            return None;
        }
        let Some(end) = memchr_newline(chunk) else {
            self.push(chunk);
            return None;
        };
        let line = chunk[..end].trim_ascii();
        if line.len() > self.max_frame_len {
            // `next_frame` reports it.
            self.push(chunk);
            return None;
        }
        self.push(&chunk[end + 1..]);
        (!line.is_empty()).then_some(line)
    }

    /// The next complete, non-blank frame (without its line ending), or `Ok(None)`
    /// if more bytes are needed.
    ///
    /// # Errors
    ///
    /// [`FrameError::TooLarge`] when a line exceeds the limit; call again to
    /// continue with the following lines.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, FrameError> {
        loop {
            if self.discarding {
                // Only reachable when a too-large partial line was dropped and the
                // newline has not arrived yet; `push` resumes after it.
                self.buf.clear();
                self.scanned = 0;
                return Ok(None);
            }
            let Some(offset) = memchr_newline(&self.buf[self.scanned..]) else {
                self.scanned = self.buf.len();
                if self.buf.len() > self.max_frame_len {
                    let len = self.buf.len();
                    self.buf.clear();
                    self.scanned = 0;
                    self.discarding = true;
                    return Err(FrameError::TooLarge {
                        len,
                        max: self.max_frame_len,
                    });
                }
                return Ok(None);
            };
            let end = self.scanned + offset;
            let line = self.buf.split_to(end).freeze();
            self.buf.advance(1);
            self.scanned = 0;
            let Some(frame) = trim_ascii_whitespace(line) else {
                continue;
            };
            if frame.len() > self.max_frame_len {
                return Err(FrameError::TooLarge {
                    len: frame.len(),
                    max: self.max_frame_len,
                });
            }
            return Ok(Some(frame));
        }
    }

    /// Ends the stream.
    ///
    /// # Errors
    ///
    /// [`FrameError::Truncated`] if a non-blank partial frame is left (the
    /// body ended without the frame's newline). The rest of a line already
    /// reported as too large is not an error here.
    pub fn finish(self) -> Result<(), FrameError> {
        if self.discarding {
            return Ok(());
        }
        match trim_ascii_whitespace(self.buf.freeze()) {
            None => Ok(()),
            Some(rest) => Err(FrameError::Truncated { len: rest.len() }),
        }
    }
}

fn memchr_newline(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

/// The line without leading and trailing ASCII whitespace, or `None` if blank.
fn trim_ascii_whitespace(line: Bytes) -> Option<Bytes> {
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    Some(line.slice(start..end))
}

/// Decodes one frame as a [`WatchEvent`].
///
/// # Errors
///
/// [`FrameError::Malformed`] if the frame is not JSON, has an unknown `type`,
/// or its object does not decode as `K`. The error quotes no string values
/// from the frame.
pub fn decode_event<K: DeserializeOwned>(frame: &[u8]) -> Result<WatchEvent<K>, FrameError> {
    serde_json::from_slice(frame).map_err(|e| malformed(frame, &e))
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
            out.push('"');
            for &c in content.iter().take(64) {
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
