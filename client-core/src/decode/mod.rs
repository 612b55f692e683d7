//! Decoding bodies: [`from_bytes`] decodes one JSON value (a body, a watch
//! frame, a list item); [`ListDecoder`] turns a list's chunks into its
//! items one by one as they arrive; `scan` finds where a JSON value ends.

mod json;
mod list_stream;
mod scan;

pub(crate) use json::{from_bytes, not_utf8};
pub(crate) use list_stream::{ListDecodeError, ListDecoder};

#[cfg(test)]
mod tests;
