//! Conditions for [`await_condition`](super::await_condition): kube-runtime's
//! `wait::conditions`. Any `Fn(Option<&K>) -> bool` is one too.

use crate::api::CustomResourceDefinition;
use crate::meta::ObjectMetaAccess;
use crate::resource::Resource;

/// A state of one object to wait for; `None` is "the object does not exist".
///
/// Implemented by every `Fn(Option<&K>) -> bool`:
///
/// ```
/// use client_core::api::ConfigMap;
/// use client_core::wait::Condition;
///
/// let has_key = |cm: Option<&ConfigMap>| cm.is_some_and(|cm| cm.data.contains_key("ready"));
/// let mut cm = ConfigMap::default();
/// assert!(!has_key.matches(Some(&cm)));
/// cm.data.insert("ready".into(), "yes".into());
/// assert!(has_key.matches(Some(&cm)));
/// assert!(!has_key.matches(None));
/// ```
pub trait Condition<K> {
    /// Whether `obj` (or its absence) is the state waited for.
    fn matches(&self, obj: Option<&K>) -> bool;
}

impl<K, F: Fn(Option<&K>) -> bool> Condition<K> for F {
    fn matches(&self, obj: Option<&K>) -> bool {
        self(obj)
    }
}

/// The object with this `uid` is gone: it does not exist, or a new object of
/// the same name (another uid) has replaced it.
///
/// ```
/// use client_core::api::ConfigMap;
/// use client_core::wait::{Condition, conditions};
/// use client_core::ObjectMeta;
///
/// let deleted = conditions::is_deleted("uid-1");
/// let mut cm = ConfigMap { metadata: ObjectMeta::named("a"), ..ConfigMap::default() };
/// cm.metadata.uid = Some("uid-1".into());
/// assert!(!deleted.matches(Some(&cm)));
/// assert!(Condition::<ConfigMap>::matches(&deleted, None));
/// cm.metadata.uid = Some("uid-2".into());
/// assert!(deleted.matches(Some(&cm)), "recreated under the same name");
/// ```
pub fn is_deleted<K: Resource>(uid: &str) -> impl Condition<K> + use<K> {
    let uid = uid.to_owned();
    move |obj: Option<&K>| obj.is_none_or(|obj| obj.metadata().uid() != Some(&*uid))
}

/// The CRD's `Established` condition is `True`: the server serves its kind.
///
/// ```
/// use client_core::api::CustomResourceDefinition;
/// use client_core::wait::{Condition, conditions};
///
/// let crd = CustomResourceDefinition::default();
/// assert!(!conditions::is_crd_established().matches(Some(&crd)));
/// assert!(!conditions::is_crd_established().matches(None));
/// ```
pub fn is_crd_established() -> impl Condition<CustomResourceDefinition> {
    |crd: Option<&CustomResourceDefinition>| {
        crd.is_some_and(CustomResourceDefinition::is_established)
    }
}
