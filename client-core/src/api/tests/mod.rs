//! Unit tests of the API types.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub(crate) mod fixtures;
mod kinds;
mod meta;
mod options;
mod patch;
mod props;
mod status;
mod typemeta;
