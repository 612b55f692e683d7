//! Indexes: a named function from an object to index values, and the map
//! from each value to the keys of the objects that produce it.

use crate::hash::{HashMap, HashSet};
use std::sync::Arc;

use crate::ObjectKey;

/// The name of the index every [`Store`](super::Store) has: an object's
/// namespace (`""` for cluster-scoped objects).
pub const NAMESPACE_INDEX: &str = "namespace";

/// An index function: the values under which an object is found.
pub type IndexFn<K> = Arc<dyn Fn(&K) -> Vec<String> + Send + Sync>;

/// One index: its function and its value → keys map.
pub(crate) struct Index<K> {
    func: IndexFn<K>,
    entries: HashMap<String, HashSet<ObjectKey>>,
}

impl<K> Index<K> {
    pub(crate) fn new(func: IndexFn<K>) -> Self {
        Self {
            func,
            entries: HashMap::default(),
        }
    }

    /// Moves `key` from the values of `old` to those of `new`.
    pub(crate) fn update(&mut self, key: &ObjectKey, old: Option<&K>, new: Option<&K>) {
        let old_values = old.map(|o| (self.func)(o)).unwrap_or_default();
        let new_values = new.map(|n| (self.func)(n)).unwrap_or_default();
        for value in &old_values {
            if new_values.contains(value) {
                continue;
            }
            if let Some(keys) = self.entries.get_mut(value) {
                keys.remove(key);
                if keys.is_empty() {
                    self.entries.remove(value);
                }
            }
        }
        for value in new_values {
            self.entries.entry(value).or_default().insert(key.clone());
        }
    }

    /// The keys indexed under `value`.
    pub(crate) fn keys(&self, value: &str) -> impl Iterator<Item = &ObjectKey> {
        self.entries.get(value).into_iter().flatten()
    }

    /// The values present in the index.
    pub(crate) fn values(&self) -> impl Iterator<Item = &String> {
        self.entries.keys()
    }
}
