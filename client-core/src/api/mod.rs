//! Kubernetes API types: object metadata, lists, `Status`, watch events,
//! option types with their query encoding, patches and built-in kinds.

pub mod meta;

pub use meta::ObjectMeta;
