//! [`Event`]: what a [`Watcher`](super::Watcher) tells its consumer.

/// One change a consumer applies to its view of the watched objects.
///
/// A consumer that keeps a map keyed by namespace and name and applies every
/// event in order (insert on [`InitApply`](Event::InitApply) and
/// [`Apply`](Event::Apply), remove on [`Delete`](Event::Delete) and
/// [`Vanished`](Event::Vanished)) holds exactly the server's objects
/// whenever the watcher is caught up; the `Init…` markers only say where a
/// (re)list begins and ends.
///
/// The watcher remembers the key and resourceVersion of every object it has
/// reported, so a re-list reports only differences:
///
/// * the first list reports every object as `InitApply`;
/// * a re-list (after 410 Gone/Expired) reports as `InitApply` only the
///   objects that are new or whose resourceVersion changed, and as `Vanished`
///   the objects it had reported that are gone, all before `InitDone`;
/// * an event whose resourceVersion the consumer has already seen for that
///   object (or an older one, when resourceVersions are integers, as they are
///   on every etcd-backed server) is never repeated.
///
/// So a consumer must not rebuild its state from the `InitApply` events of a
/// re-list alone: apply them on top of what it has.
///
/// ```
/// use std::collections::BTreeMap;
/// use client_core::watcher::Event;
/// use client_core::api::ConfigMap;
/// use client_core::Resource;
///
/// fn apply(view: &mut BTreeMap<(String, String), ConfigMap>, event: Event<ConfigMap>) {
///     let key = |cm: &ConfigMap| {
///         let meta = cm.metadata();
///         (meta.namespace.clone().unwrap_or_default(), meta.name.clone().unwrap_or_default())
///     };
///     match event {
///         Event::InitApply(cm) | Event::Apply(cm) => {
///             view.insert(key(&cm), cm);
///         }
///         Event::Delete(cm) => {
///             view.remove(&key(&cm));
///         }
///         Event::Vanished(gone) => {
///             view.remove(&(gone.namespace.unwrap_or_default(), gone.name));
///         }
///         Event::Init | Event::InitDone => {}
///     }
/// }
/// # let mut view = BTreeMap::new();
/// # apply(&mut view, Event::Init);
/// # assert!(view.is_empty());
/// ```
// The object variants are the common case; boxing them would cost every event an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Event<K> {
    /// A list (the first one, or a re-list after 410) starts.
    ///
    /// Another `Init` may follow before `InitDone` when the list had to
    /// start over (an expired continue token, a dropped streaming list).
    Init,
    /// An object of the listed state that the consumer does not have yet, or
    /// has in an older version.
    InitApply(K),
    /// The listed state is complete: the consumer's view equals the server's
    /// state at the list's resourceVersion. Live events follow.
    InitDone,
    /// An object was created or changed.
    Apply(K),
    /// An object was deleted (or stopped matching the selectors); this is its last state.
    Delete(K),
    /// An object the consumer has was deleted while no watch was open: a
    /// re-list no longer contains it. Its last state is unknown; only its key is.
    Vanished(ObjectRef),
}

impl<K> Event<K> {
    /// The object of an `InitApply`, `Apply` or `Delete`.
    pub fn object(&self) -> Option<&K> {
        match self {
            Self::InitApply(k) | Self::Apply(k) | Self::Delete(k) => Some(k),
            Self::Init | Self::InitDone | Self::Vanished(_) => None,
        }
    }

    /// The object of an `InitApply`, `Apply` or `Delete`, by value.
    pub fn into_object(self) -> Option<K> {
        match self {
            Self::InitApply(k) | Self::Apply(k) | Self::Delete(k) => Some(k),
            Self::Init | Self::InitDone | Self::Vanished(_) => None,
        }
    }
}

/// The key of an object that [`Event::Vanished`] reports.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// The namespace (`None` for cluster-scoped kinds).
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
    /// The last resourceVersion the consumer was told about.
    pub resource_version: String,
}
