//! [`Known`]: the key and resourceVersion of every object the consumer has been told about.

use std::collections::HashMap;

use super::event::ObjectRef;

/// A resourceVersion: an integer (every etcd-backed server), or opaque text
/// that can only be compared for equality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rv {
    Num(u64),
    Opaque(Box<str>),
}

impl Rv {
    pub(crate) fn parse(rv: &str) -> Self {
        match rv.parse::<u64>() {
            Ok(n) => Self::Num(n),
            Err(_) => Self::Opaque(rv.into()),
        }
    }

    /// `true` when `self` is certainly not newer than `other`: equal, or an
    /// older integer.
    fn not_newer_than(&self, other: &Rv) -> bool {
        match (self, other) {
            (Self::Num(a), Self::Num(b)) => a <= b,
            (a, b) => a == b,
        }
    }

    fn to_text(&self) -> String {
        match self {
            Self::Num(n) => n.to_string(),
            Self::Opaque(s) => s.to_string(),
        }
    }
}

#[derive(Debug)]
struct Entry {
    rv: Rv,
    /// The list generation that last confirmed this object.
    generation: u64,
}

/// Namespace -> name -> entry; lookups borrow `&str`, so a live event costs no allocation.
#[derive(Debug, Default)]
pub(crate) struct Known {
    by_namespace: HashMap<String, HashMap<String, Entry>>,
    generation: u64,
    len: usize,
}

impl Known {
    /// Starts a list generation: objects the list does not confirm vanish at its end.
    pub(crate) fn begin_list(&mut self) {
        self.generation += 1;
    }

    /// Records `rv` for an object; `false` when the consumer already has this
    /// version or a newer one.
    pub(crate) fn apply(&mut self, namespace: &str, name: &str, rv: Rv) -> bool {
        let generation = self.generation;
        if let Some(names) = self.by_namespace.get_mut(namespace) {
            if let Some(entry) = names.get_mut(name) {
                entry.generation = generation;
                if rv.not_newer_than(&entry.rv) {
                    return false;
                }
                entry.rv = rv;
                return true;
            }
            names.insert(name.to_owned(), Entry { rv, generation });
        } else {
            let mut names = HashMap::new();
            names.insert(name.to_owned(), Entry { rv, generation });
            self.by_namespace.insert(namespace.to_owned(), names);
        }
        self.len += 1;
        true
    }

    /// Forgets an object on its deletion at `rv`; `false` when the consumer
    /// does not have it, or has a newer version than the deletion.
    pub(crate) fn delete(&mut self, namespace: &str, name: &str, rv: Option<Rv>) -> bool {
        let Some(names) = self.by_namespace.get_mut(namespace) else {
            return false;
        };
        let Some(entry) = names.get(name) else {
            return false;
        };
        if let (Some(Rv::Num(deleted)), Rv::Num(have)) = (&rv, &entry.rv)
            && deleted < have
        {
            return false;
        }
        names.remove(name);
        if names.is_empty() {
            self.by_namespace.remove(namespace);
        }
        self.len -= 1;
        true
    }

    /// Removes and returns every object the current list generation did not confirm.
    pub(crate) fn end_list(&mut self) -> Vec<ObjectRef> {
        let generation = self.generation;
        let mut gone = Vec::new();
        self.by_namespace.retain(|namespace, names| {
            names.retain(|name, entry| {
                if entry.generation == generation {
                    return true;
                }
                gone.push(ObjectRef {
                    namespace: (!namespace.is_empty()).then(|| namespace.clone()),
                    name: name.clone(),
                    resource_version: entry.rv.to_text(),
                });
                false
            });
            !names.is_empty()
        });
        self.len -= gone.len();
        gone.sort();
        gone
    }

    /// How many objects the consumer has.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupes_and_orders() {
        let mut k = Known::default();
        assert!(k.apply("ns", "a", Rv::parse("5")));
        assert!(!k.apply("ns", "a", Rv::parse("5")), "same version twice");
        assert!(!k.apply("ns", "a", Rv::parse("4")), "older version");
        assert!(k.apply("ns", "a", Rv::parse("9")));
        assert!(!k.delete("ns", "a", Some(Rv::parse("8"))), "stale delete");
        assert!(k.delete("ns", "a", Some(Rv::parse("10"))));
        assert!(
            !k.delete("ns", "a", Some(Rv::parse("11"))),
            "unknown object"
        );
        assert_eq!(k.len(), 0);
    }

    #[test]
    fn opaque_versions_compare_by_equality() {
        let mut k = Known::default();
        assert!(k.apply("", "x", Rv::parse("abc")));
        assert!(!k.apply("", "x", Rv::parse("abc")));
        assert!(k.apply("", "x", Rv::parse("abd")));
        assert!(k.delete("", "x", Some(Rv::parse("zzz"))));
    }

    #[test]
    fn a_list_generation_finds_vanished_objects() {
        let mut k = Known::default();
        k.begin_list();
        for name in ["a", "b", "c"] {
            assert!(k.apply("ns", name, Rv::Num(1)));
        }
        assert!(k.apply("", "cluster-wide", Rv::Num(2)));
        assert!(k.end_list().is_empty());
        k.begin_list();
        assert!(!k.apply("ns", "b", Rv::Num(1)), "unchanged: not reported");
        let gone = k.end_list();
        let names: Vec<_> = gone.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["cluster-wide", "a", "c"]);
        assert_eq!(gone[0].namespace, None);
        assert_eq!(gone[1].namespace.as_deref(), Some("ns"));
        assert_eq!(k.len(), 1);
    }
}
