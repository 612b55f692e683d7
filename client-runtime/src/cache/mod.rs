//! The typed cache an informer fills: [`Store`] holds each object once as
//! `Arc<K>`, keyed by [`ObjectKey`](crate::ObjectKey), with a built-in
//! namespace index and named custom indexes ([`Store::add_index`]).
//!
//! client-go's `thread_safe_store.go` and `index.go`, typed: an index
//! function is `Fn(&K) -> Vec<String>`, and lookups answer `Arc<K>`s.

mod index;
mod store;

pub use index::{IndexFn, NAMESPACE_INDEX};
pub use store::{CacheError, Store};
