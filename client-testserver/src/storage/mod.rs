//! Storage: objects as JSON bytes per resource, one global
//! resourceVersion, a bounded event history that feeds watches, paging at
//! an old revision and continue tokens.

pub(crate) mod continuation;
pub(crate) mod store;
