//! The maps keyed by object names and queue keys (the store, its indexes,
//! the work queue, the rate limiter): `std`'s maps with foldhash's
//! randomly seeded hasher instead of SipHash. They hash on every event and
//! every queue operation, where SipHash was the largest single cost; the
//! per-process random seed keeps names chosen by others from colliding on
//! purpose.

/// A `HashMap` with foldhash's seeded hasher; build it with `default()`.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `HashSet` with foldhash's seeded hasher; build it with `default()`.
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
