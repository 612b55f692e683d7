//! [`ListDecoder`]: decodes a list body (`{"kind":..,"metadata":{..},"items":[..]}`)
//! while it arrives, item by item.
//!
//! Chunks go in with [`ListDecoder::feed`]. The decoder walks the top-level
//! object itself (fields in any order, unknown ones checked and dropped, as
//! [`List`]'s `Deserialize` does); each value it keeps (`metadata`, one item
//! of `items`) is decoded by `serde_json` as soon as its last byte is in.
//! Bytes are dropped once decoded: what the decoder holds of the body is at
//! most the one value still arriving (besides the chunk being read, which
//! is scanned where it lies). Only an unfinished value is copied: its start
//! at the end of one chunk, then the bytes of the next ones up to its end.

use std::any::type_name;

use serde::de::{DeserializeOwned, IgnoredAny};

use super::from_bytes;
use super::scan::{MAX_DEPTH, Scanned, TooDeep, ValueScan};
use crate::{List, ListMeta};

/// Why a list body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ListDecodeError {
    /// A byte that cannot stand where it is.
    #[error("expected {expected} at byte {offset} of the list")]
    Syntax {
        /// What the top-level grammar wanted there.
        expected: &'static str,
        /// The byte's offset in the body.
        offset: u64,
    },
    /// The body ended before the list did.
    #[error("the list body ended after {received} bytes, inside the list")]
    Truncated {
        /// The body's length.
        received: u64,
    },
    /// Nesting deeper than `serde_json` decodes.
    #[error("nesting deeper than {MAX_DEPTH} levels at byte {offset} of the list")]
    TooDeep {
        /// Where the limit was passed.
        offset: u64,
    },
    /// A field the list may have once came twice.
    #[error("duplicate field `{0}`")]
    DuplicateField(&'static str),
    /// `items` was neither an array nor `null`.
    #[error("invalid type for `items` at byte {offset}: expected an array or null")]
    ItemsNotAnArray {
        /// Where the value starts.
        offset: u64,
    },
    /// One value (an item, `metadata`, an unknown field) is not valid JSON
    /// or not the expected type.
    #[error("{what} at byte {offset} of the list: {source}")]
    Value {
        /// Which value (`item 3`, `metadata`, ...).
        what: String,
        /// Where it starts in the body.
        offset: u64,
        /// `serde_json`'s error (its line and column count from the value's start).
        source: serde_json::Error,
    },
}

/// The top-level field a value belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Metadata,
    Items,
    Other,
}

/// Where the walk of the top-level object stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Before the opening `{`.
    #[default]
    Start,
    /// After `{`: a field name or `}`.
    FirstKey,
    /// After `,`: a field name.
    NextKey,
    /// Inside a field name (a string value scan).
    Key,
    /// After a field name: `:`.
    Colon(Field),
    /// After `:`: the value's first byte (`items`' `[` opens the array here).
    ValueStart(Field),
    /// A field's value (a value scan; for `items`, only `null` is left).
    Value(Field),
    /// After a field's value: `,` or `}`.
    AfterValue,
    /// After `items`' `[`: an item or `]`.
    FirstItem,
    /// After an item's `,`: an item.
    NextItem,
    /// Inside an item (a value scan).
    Item,
    /// After an item: `,` or `]`.
    AfterItem,
    /// After the closing `}`: only whitespace.
    Done,
}

/// A list decoded as its body arrives. See the [module docs](self).
///
/// Only the items are typed: the walk of the list's bytes ([`Walker`]) is
/// compiled once, not once per item type, and hands each item to the
/// [`Items`] it is given.
pub(crate) struct ListDecoder<K> {
    walker: Walker,
    items: Vec<K>,
}

impl<K> Default for ListDecoder<K> {
    fn default() -> Self {
        Self {
            walker: Walker::default(),
            items: Vec::new(),
        }
    }
}

impl<K: DeserializeOwned> ListDecoder<K> {
    /// A decoder at the start of a body.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The bytes held for a value not yet complete.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.walker.carry.len()
    }

    /// Takes the next chunk of the body.
    ///
    /// # Errors
    /// [`ListDecodeError`] as soon as the bytes seen cannot be a list of `K`.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), ListDecodeError> {
        self.walker.feed(chunk, &mut self.items)
    }

    /// Ends the body: the list, if it was complete.
    ///
    /// # Errors
    /// [`ListDecodeError::Truncated`] when the body ended inside the list.
    pub(crate) fn finish(self) -> Result<List<K>, ListDecodeError> {
        let metadata = self.walker.finish()?;
        Ok(List {
            metadata,
            items: self.items,
        })
    }
}

/// Where the items of a list go: the typed part of [`ListDecoder`].
trait Items {
    /// Decodes the item at the start of `text` (which starts with `{`) if it
    /// ends inside `text`; returns its length.
    fn in_place(&mut self, text: &str) -> Option<usize>;

    /// Decodes one complete item, which starts at `offset` of the body.
    fn complete(&mut self, bytes: &[u8], offset: u64) -> Result<(), ListDecodeError>;
}

impl<K: DeserializeOwned> Items for Vec<K> {
    fn in_place(&mut self, text: &str) -> Option<usize> {
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<K>();
        let item = values.next()?.ok()?;
        self.push(item);
        Some(values.byte_offset())
    }

    fn complete(&mut self, bytes: &[u8], offset: u64) -> Result<(), ListDecodeError> {
        let item = from_bytes::<K>(bytes).map_err(|source| ListDecodeError::Value {
            what: format!("item {} ({})", self.len(), type_name::<K>()),
            offset,
            source,
        })?;
        self.push(item);
        Ok(())
    }
}

/// The walk of a list body's bytes, the same for every item type.
#[derive(Default)]
struct Walker {
    state: State,
    scan: ValueScan,
    /// The start of a value that did not end in the bytes seen so far
    /// (at most one value: the input before it is decoded and dropped).
    carry: Vec<u8>,
    /// Body bytes dropped before `carry` (or before the chunk being scanned).
    offset: u64,
    metadata: Option<ListMeta>,
    /// Whether the `items` field was seen.
    items_seen: bool,
}

impl Walker {
    /// Takes the next chunk of the body; items go to `items`.
    fn feed(&mut self, chunk: &[u8], items: &mut dyn Items) -> Result<(), ListDecodeError> {
        let mut rest = chunk;
        if !self.carry.is_empty() {
            // A value is unfinished: its scan goes on in the chunk, and only
            // the bytes up to its end join the carried start.
            let at = self.offset + self.carry.len() as u64;
            match self.scan.step(chunk, 0) {
                Err(TooDeep(deep)) => {
                    return Err(ListDecodeError::TooDeep {
                        offset: at + deep as u64,
                    });
                }
                Ok(Scanned::NeedMore) => {
                    self.carry.extend_from_slice(chunk);
                    return Ok(());
                }
                Ok(Scanned::Complete(end)) => {
                    self.carry.extend_from_slice(&chunk[..end]);
                    let value = std::mem::take(&mut self.carry);
                    self.complete(&value, self.offset, items)?;
                    self.offset += value.len() as u64;
                    // Keep the allocation for the next unfinished value.
                    self.carry = value;
                    self.carry.clear();
                    rest = &chunk[end..];
                }
            }
        }
        let used = self.walk(rest, items)?;
        self.carry.extend_from_slice(&rest[used..]);
        self.offset += used as u64;
        Ok(())
    }

    /// Ends the body: the list's metadata, if the list was complete.
    fn finish(self) -> Result<ListMeta, ListDecodeError> {
        if self.state != State::Done {
            return Err(ListDecodeError::Truncated {
                received: self.offset + self.carry.len() as u64,
            });
        }
        Ok(self.metadata.unwrap_or_default())
    }

    /// Walks `input` (whose first byte follows everything consumed so far,
    /// outside any value) as far as it goes; returns how many of its bytes
    /// are consumed. The rest is the start of an unfinished value (or nothing).
    fn walk(&mut self, input: &[u8], items: &mut dyn Items) -> Result<usize, ListDecodeError> {
        // `token`: where the value being scanned starts (or `pos` between values).
        let mut token = 0;
        let mut pos = 0;
        // The input's text, for items decoded where they lie (up to a
        // character cut by the chunk's end, or a byte that is not UTF-8).
        let text = utf8_prefix(input);
        loop {
            if !matches!(self.state, State::Key | State::Value(_) | State::Item) {
                while input.get(pos).is_some_and(u8::is_ascii_whitespace) {
                    pos += 1;
                }
                token = pos;
            }
            let Some(&byte) = input.get(pos) else {
                return Ok(token);
            };
            let offset = self.offset + pos as u64;
            let syntax = |expected| ListDecodeError::Syntax { expected, offset };
            match self.state {
                State::Start => {
                    if byte != b'{' {
                        return Err(syntax("`{`"));
                    }
                    self.state = State::FirstKey;
                    pos += 1;
                }
                State::FirstKey | State::NextKey => match byte {
                    b'"' => {
                        self.state = State::Key;
                        self.scan = ValueScan::default();
                    }
                    b'}' if self.state == State::FirstKey => {
                        self.state = State::Done;
                        pos += 1;
                    }
                    _ => return Err(syntax("a field name")),
                },
                State::Key | State::Value(_) | State::Item => {
                    let end = match self.scan.step(input, pos) {
                        Ok(Scanned::Complete(end)) => end,
                        Ok(Scanned::NeedMore) => return Ok(token),
                        Err(TooDeep(at)) => {
                            return Err(ListDecodeError::TooDeep {
                                offset: self.offset + at as u64,
                            });
                        }
                    };
                    let start_offset = self.offset + token as u64;
                    self.complete(&input[token..end], start_offset, items)?;
                    pos = end;
                }
                State::Colon(field) => {
                    if byte != b':' {
                        return Err(syntax("`:`"));
                    }
                    self.begin_field(field)?;
                    pos += 1;
                }
                State::ValueStart(field) => {
                    if field == Field::Items && byte == b'[' {
                        self.state = State::FirstItem;
                        pos += 1;
                    } else {
                        self.state = State::Value(field);
                        self.scan = ValueScan::default();
                    }
                }
                State::AfterValue => match byte {
                    b',' => {
                        self.state = State::NextKey;
                        pos += 1;
                    }
                    b'}' => {
                        self.state = State::Done;
                        pos += 1;
                    }
                    _ => return Err(syntax("`,` or `}`")),
                },
                State::FirstItem | State::NextItem => {
                    if byte == b']' && self.state == State::FirstItem {
                        self.state = State::AfterValue;
                        pos += 1;
                    } else if byte == b']' {
                        return Err(syntax("an item"));
                    } else if let Some(len) = item_in_place(text, pos, items) {
                        self.state = State::AfterItem;
                        pos += len;
                    } else {
                        self.state = State::Item;
                        self.scan = ValueScan::default();
                    }
                }
                State::AfterItem => match byte {
                    b',' => {
                        self.state = State::NextItem;
                        pos += 1;
                    }
                    b']' => {
                        self.state = State::AfterValue;
                        pos += 1;
                    }
                    _ => return Err(syntax("`,` or `]`")),
                },
                State::Done => return Err(syntax("the end of the body")),
            }
        }
    }

    /// A field's `:`: refuses a second `metadata` or `items`.
    fn begin_field(&mut self, field: Field) -> Result<(), ListDecodeError> {
        match field {
            Field::Metadata if self.metadata.is_some() => {
                return Err(ListDecodeError::DuplicateField("metadata"));
            }
            Field::Items if self.items_seen => {
                return Err(ListDecodeError::DuplicateField("items"));
            }
            Field::Items => self.items_seen = true,
            Field::Metadata | Field::Other => {}
        }
        self.state = State::ValueStart(field);
        Ok(())
    }

    /// A value that is complete: decode it where it belongs.
    fn complete(
        &mut self,
        bytes: &[u8],
        offset: u64,
        items: &mut dyn Items,
    ) -> Result<(), ListDecodeError> {
        match self.state {
            State::Key => {
                let field = field_of(bytes).map_err(|source| ListDecodeError::Value {
                    what: "field name".to_owned(),
                    offset,
                    source,
                })?;
                self.state = State::Colon(field);
            }
            State::Value(Field::Metadata) => {
                let meta: Option<ListMeta> =
                    from_bytes(bytes).map_err(|source| ListDecodeError::Value {
                        what: "metadata".to_owned(),
                        offset,
                        source,
                    })?;
                self.metadata = Some(meta.unwrap_or_default());
                self.state = State::AfterValue;
            }
            State::Value(Field::Items) => {
                if bytes != b"null" {
                    return Err(ListDecodeError::ItemsNotAnArray { offset });
                }
                self.state = State::AfterValue;
            }
            State::Value(Field::Other) => {
                from_bytes::<IgnoredAny>(bytes).map_err(|source| ListDecodeError::Value {
                    what: "field".to_owned(),
                    offset,
                    source,
                })?;
                self.state = State::AfterValue;
            }
            State::Item => {
                items.complete(bytes, offset)?;
                self.state = State::AfterItem;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The fast path for an item that starts at `text[pos]` with `{`: it is
/// decoded where it lies, in one pass, with no scan for its end; returns its
/// length. `None` when it does not end inside `text` or does not decode:
/// the scan then finds its end (across chunks) and decodes it again, which
/// also gives the error its place. At most one item per chunk (the one the
/// chunk cuts) takes both ways.
fn item_in_place(text: &str, pos: usize, items: &mut dyn Items) -> Option<usize> {
    // Only an object ends at a byte of its own (`}`): a number at the end of
    // the text might go on in the next chunk.
    let rest = text.get(pos..).filter(|rest| rest.starts_with('{'))?;
    items.in_place(rest)
}

/// Which top-level field a name (with its quotes) is. The name is decoded
/// as any string is (escapes, UTF-8), so `"item\u0073"` is `items`.
fn field_of(quoted: &[u8]) -> Result<Field, serde_json::Error> {
    Ok(match from_bytes::<String>(quoted)?.as_str() {
        "metadata" => Field::Metadata,
        "items" => Field::Items,
        _ => Field::Other,
    })
}

/// The longest prefix of `input` that is UTF-8 (all of it, but for a
/// character the chunk cut or bytes that are not UTF-8).
fn utf8_prefix(input: &[u8]) -> &str {
    match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&input[..error.valid_up_to()]).unwrap_or_default(),
    }
}
