//! Unit tests of the meta types: metadata, options, patches, `Status`, `WithTypeMeta`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod object_meta;
mod options;
mod patch;
mod props;
mod status;
mod with_type_meta;
