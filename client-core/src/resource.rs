//! The [`Resource`] trait: a Kubernetes kind's identity as compile-time constants.
//!
//! Identity lives in associated constants (not methods) so that other macros,
//! such as the `Clientset` derive, can check a resource's group, version,
//! plural and scope in `const` assertions at compile time.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ObjectMetaAccess;

/// Where a kind lives: in a namespace ([`Namespaced`]) or across the cluster ([`Cluster`]).
///
/// This trait is sealed: the two scopes are the only ones Kubernetes has.
pub trait Scope: sealed::Sealed + Send + Sync + 'static {
    /// `true` for [`Namespaced`], `false` for [`Cluster`].
    const NAMESPACED: bool;
}

/// The scope of kinds whose objects live in a namespace (`ConfigMap`, a namespaced CRD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespaced {}

/// The scope of cluster-wide kinds (`Namespace`, `CustomResourceDefinition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {}

impl Scope for Namespaced {
    const NAMESPACED: bool = true;
}

impl Scope for Cluster {
    const NAMESPACED: bool = false;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Namespaced {}
    impl Sealed for super::Cluster {}
}

/// A Kubernetes kind with a Rust type: its API identity and access to its metadata.
///
/// Usually implemented by `#[derive(Resource)]`; writing it by hand is fine too.
///
/// The constants are the single source of truth for URL building and for the
/// `apiVersion`/`kind` that the client writes in front of every object it sends
/// (see [`crate::WithTypeMeta`]).
///
/// ```
/// use client_core::{ObjectMeta, Resource, Namespaced};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Clone, Debug, Default, Serialize, Deserialize)]
/// struct Widget {
///     metadata: ObjectMeta,
/// }
///
/// impl Resource for Widget {
///     const GROUP: &'static str = "example.com";
///     const VERSION: &'static str = "v1";
///     const API_VERSION: &'static str = "example.com/v1";
///     const KIND: &'static str = "Widget";
///     const PLURAL: &'static str = "widgets";
///     const SINGULAR: &'static str = "widget";
///     const SHORT_NAMES: &'static [&'static str] = &[];
///     const CATEGORIES: &'static [&'static str] = &[];
///     type Scope = Namespaced;
///     type Meta = ObjectMeta;
///     fn metadata(&self) -> &ObjectMeta { &self.metadata }
///     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// }
///
/// assert_eq!(Widget::API_VERSION, "example.com/v1");
/// ```
pub trait Resource: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The API group; `""` is the core group served under `/api/v1`.
    const GROUP: &'static str;
    /// The API version within the group, such as `v1` or `v1beta2`.
    const VERSION: &'static str;
    /// `group/version`, or just `version` for the core group.
    const API_VERSION: &'static str;
    /// The kind, in CamelCase (`CronTab`).
    const KIND: &'static str;
    /// The lowercase plural used in URLs (`crontabs`).
    const PLURAL: &'static str;
    /// The lowercase singular (`crontab`).
    const SINGULAR: &'static str;
    /// Short names for `kubectl` (`ct`).
    const SHORT_NAMES: &'static [&'static str];
    /// Categories for `kubectl get <category>` (`all`).
    const CATEGORIES: &'static [&'static str];
    /// [`Namespaced`] or [`Cluster`].
    type Scope: Scope;
    /// The type of the `metadata` field: client-core's [`ObjectMeta`](crate::ObjectMeta),
    /// or k8s-openapi's with the `k8s-openapi` feature; the framework reads
    /// it through [`ObjectMetaAccess`].
    type Meta: ObjectMetaAccess;

    /// `true` when the type's own `Serialize` already writes `apiVersion` and
    /// `kind` (k8s-openapi's types do); [`WithTypeMeta`](crate::WithTypeMeta)
    /// then adds nothing. `false` by default, as for derived resources.
    const SERIALIZES_TYPE_META: bool = false;

    /// `true` only for [`PartialObjectMetadata<K>`](crate::PartialObjectMetadata):
    /// its gets, lists and watches ask the server for the metadata-only
    /// representation (`Accept: application/json;as=PartialObjectMetadata...`).
    /// Leave the default.
    const METADATA_ONLY: bool = false;

    /// The object's metadata.
    fn metadata(&self) -> &Self::Meta;
    /// The object's metadata, mutably.
    fn metadata_mut(&mut self) -> &mut Self::Meta;
}

/// A resource whose typed client writes: every kind but a `readonly` one.
///
/// `#[derive(Resource)]` implements it unless the kind is `readonly`; a
/// `readonly` kind's client has `get`, `list` and `watch` only, and calling a
/// write method on it is a compile error that says so and what to do instead.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is `readonly`: its client has `get`, `list` and `watch` only",
    label = "a write to a `readonly` kind",
    note = "to write `{Self}` objects, remove `readonly` from its `#[resource(..)]`, \
            or send the write through a `DynamicClient` (`DynamicClient::new(client, &ApiResource::of::<{Self}>(), ..)`)"
)]
pub trait Writable: Resource {}

/// A resource served with the `status` subresource (`+genclient` without `noStatus`).
///
/// Unlocks `update_status`, `patch_status` and `apply_status` on typed clients.
/// Without it, calling one of them is a compile error that says to add
/// `status` to `#[resource(..)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `status` subresource, so its client has no `update_status`, `patch_status` or `apply_status`",
    label = "needs the `status` subresource",
    note = "add `status` to the `#[resource(..)]` of `{Self}` (it needs a `status` field), or change the whole object with `update`, `patch` or `apply`"
)]
pub trait HasStatus: Resource {}

/// A resource served with the `scale` subresource.
///
/// Unlocks `get_scale`, `update_scale` and `patch_scale` on typed clients.
/// Without it, calling one of them is a compile error that says to add
/// `scale(..)` to `#[resource(..)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `scale` subresource, so its client has no `get_scale`, `update_scale` or `patch_scale`",
    label = "needs the `scale` subresource",
    note = "add `scale(spec_replicas_path = \".spec.replicas\", status_replicas_path = \".status.replicas\")` to the `#[resource(..)]` of `{Self}`, with the paths of its replica counts"
)]
pub trait HasScale: Resource {}

/// The plural that client-gen (gengo) derives from a kind, lowercased.
///
/// consonant + `y` -> `ies`, vowel + `y` -> `ys`, `s`/`x`/`z`/`ch`/`sh` -> `es`, else `+s`.
/// The rule lives in the `client-names` crate, which the derive macros use too,
/// so a derived `Resource::PLURAL` and this function always agree.
///
/// ```
/// assert_eq!(client_core::resource::default_plural("Policy"), "policies");
/// assert_eq!(client_core::resource::default_plural("Gateway"), "gateways");
/// assert_eq!(client_core::resource::default_plural("Ingress"), "ingresses");
/// assert_eq!(client_core::resource::default_plural("CronTab"), "crontabs");
/// ```
pub fn default_plural(kind: &str) -> String {
    client_names::default_plural(kind)
}
