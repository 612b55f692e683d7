//! Decoding bodies as they arrive: [`ListDecoder`] turns a list's chunks
//! into its items one by one; `scan` finds where a JSON value ends.

mod list_stream;
mod scan;

pub(crate) use list_stream::{ListDecodeError, ListDecoder};

#[cfg(test)]
mod tests;
