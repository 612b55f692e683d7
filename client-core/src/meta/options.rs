//! Request options (`metav1.CreateOptions`, `ListOptions`, ...) and their query encoding.
//!
//! Every option type carries every field of its Go counterpart and encodes
//! exactly as client-go's parameter codec does: camelCase names, a field left
//! out when Go's `omitempty` would drop it (a `None`, `""`, `0` or `false`; a
//! Go pointer field, modelled as `Option`, is sent whenever it is `Some`, even
//! `Some(0)` or `Some(false)`), booleans as `true`/`false`, integers in
//! decimal, and `dryRun=All` for a dry run. Keys come out in alphabetical
//! order, as Go's `url.Values.Encode` sorts them; the escaping is the one
//! [`Request`](crate::Request) uses. `watch` is not an option
//! field: the client adds `watch=true` itself. [`DeleteOptions`] travels as
//! the JSON body, as client-go sends it, not in the query.

use std::fmt;

use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::query::QueryParams;

fn push_str(out: &mut Vec<(&'static str, String)>, key: &'static str, value: &Option<String>) {
    if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
        out.push((key, v.to_owned()));
    }
}

fn push_dry_run(out: &mut Vec<(&'static str, String)>, dry_run: bool) {
    if dry_run {
        out.push(("dryRun", "All".to_owned()));
    }
}

/// How the server treats unknown or duplicate fields in a write (`fieldValidation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldValidation {
    /// Drop unknown fields silently.
    Ignore,
    /// Drop unknown fields and send a `Warning` header (the server's default).
    Warn,
    /// Reject the request with 400 if any field is unknown or duplicated.
    Strict,
}

impl FieldValidation {
    /// The value as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ignore => "Ignore",
            Self::Warn => "Warn",
            Self::Strict => "Strict",
        }
    }
}

/// How a list or watch interprets `resourceVersion` (`resourceVersionMatch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResourceVersionMatch {
    /// Data at least as new as `resourceVersion`.
    NotOlderThan,
    /// Data at exactly `resourceVersion` (may be 410 Expired).
    Exact,
}

impl ResourceVersionMatch {
    /// The value as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotOlderThan => "NotOlderThan",
            Self::Exact => "Exact",
        }
    }
}

/// Whether and how dependents are garbage collected on delete (`propagationPolicy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PropagationPolicy {
    /// Leave dependents in place, removing the owner reference.
    Orphan,
    /// Delete the owner now; the garbage collector deletes dependents afterwards.
    Background,
    /// Keep the owner (with `foregroundDeletion`) until dependents are gone.
    Foreground,
}

impl PropagationPolicy {
    /// The value as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Orphan => "Orphan",
            Self::Background => "Background",
            Self::Foreground => "Foreground",
        }
    }
}

macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_str!(FieldValidation, ResourceVersionMatch, PropagationPolicy);

/// Options for a create (`metav1.CreateOptions`).
///
/// ```
/// use client_core::{CreateOptions, FieldValidation};
/// use client_core::QueryParams;
///
/// let opts = CreateOptions::default().dry_run().field_manager("me").validation(FieldValidation::Strict);
/// assert_eq!(opts.to_query_string(), "dryRun=All&fieldManager=me&fieldValidation=Strict");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Validate and admit the request but store nothing (`dryRun=All`).
    pub dry_run: bool,
    /// The name of the actor making the change (recorded in `managedFields`).
    pub field_manager: Option<String>,
    /// How to treat unknown or duplicate fields.
    pub field_validation: Option<FieldValidation>,
}

/// Options for an update (`metav1.UpdateOptions`); same fields and encoding as [`CreateOptions`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateOptions {
    /// Validate and admit the request but store nothing (`dryRun=All`).
    pub dry_run: bool,
    /// The name of the actor making the change (recorded in `managedFields`).
    pub field_manager: Option<String>,
    /// How to treat unknown or duplicate fields.
    pub field_validation: Option<FieldValidation>,
}

macro_rules! write_options_builders {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Makes this a dry run (`dryRun=All`).
            #[must_use]
            pub fn dry_run(mut self) -> Self {
                self.dry_run = true;
                self
            }

            /// Sets the field manager.
            #[must_use]
            pub fn field_manager(mut self, manager: impl Into<String>) -> Self {
                self.field_manager = Some(manager.into());
                self
            }

            /// Sets the field validation mode.
            #[must_use]
            pub fn validation(mut self, validation: FieldValidation) -> Self {
                self.field_validation = Some(validation);
                self
            }
        }
    )*};
}

write_options_builders!(CreateOptions, UpdateOptions, PatchOptions);

impl QueryParams for CreateOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        push_dry_run(out, self.dry_run);
        push_str(out, "fieldManager", &self.field_manager);
        if let Some(v) = self.field_validation {
            out.push(("fieldValidation", v.as_str().to_owned()));
        }
    }
}

impl QueryParams for UpdateOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        push_dry_run(out, self.dry_run);
        push_str(out, "fieldManager", &self.field_manager);
        if let Some(v) = self.field_validation {
            out.push(("fieldValidation", v.as_str().to_owned()));
        }
    }
}

/// Options for a patch (`metav1.PatchOptions`).
///
/// ```
/// use client_core::PatchOptions;
/// use client_core::QueryParams;
///
/// let opts = PatchOptions::default().field_manager("me");
/// assert_eq!(opts.to_query_string(), "fieldManager=me");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatchOptions {
    /// Validate and admit the request but store nothing (`dryRun=All`).
    pub dry_run: bool,
    /// For apply patches: take ownership of conflicting fields (sent whenever `Some`).
    pub force: Option<bool>,
    /// The name of the actor making the change; required for apply patches.
    pub field_manager: Option<String>,
    /// How to treat unknown or duplicate fields.
    pub field_validation: Option<FieldValidation>,
}

impl QueryParams for PatchOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        push_dry_run(out, self.dry_run);
        push_str(out, "fieldManager", &self.field_manager);
        if let Some(v) = self.field_validation {
            out.push(("fieldValidation", v.as_str().to_owned()));
        }
        if let Some(force) = self.force {
            out.push(("force", force.to_string()));
        }
    }
}

/// Options for a server-side apply (`metav1.ApplyOptions`).
///
/// Sent as client-go's `ApplyOptions.ToPatchOptions()` sends it: the field
/// manager (the server rejects an apply without one), `force` always (also
/// `force=false`), and `dryRun=All` for a dry run.
///
/// ```
/// use client_core::ApplyOptions;
/// use client_core::QueryParams;
///
/// let opts = ApplyOptions::new("my-controller").force();
/// assert_eq!(opts.to_query_string(), "fieldManager=my-controller&force=true");
/// assert_eq!(ApplyOptions::new("x").to_query_string(), "fieldManager=x&force=false");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// The field manager that owns the applied fields. Required by the server.
    pub field_manager: String,
    /// Take ownership of fields another manager owns instead of failing with 409.
    pub force: bool,
    /// Validate and admit the request but store nothing (`dryRun=All`).
    pub dry_run: bool,
}

impl ApplyOptions {
    /// Apply options for the given field manager.
    pub fn new(field_manager: impl Into<String>) -> Self {
        Self {
            field_manager: field_manager.into(),
            ..Self::default()
        }
    }

    /// Forces ownership of conflicting fields.
    #[must_use]
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Makes this a dry run (`dryRun=All`).
    #[must_use]
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// The equivalent [`PatchOptions`] (what client-go sends for an apply).
    pub fn to_patch_options(&self) -> PatchOptions {
        PatchOptions {
            dry_run: self.dry_run,
            force: Some(self.force),
            field_manager: Some(self.field_manager.clone()),
            field_validation: None,
        }
    }
}

impl QueryParams for ApplyOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        push_dry_run(out, self.dry_run);
        if !self.field_manager.is_empty() {
            out.push(("fieldManager", self.field_manager.clone()));
        }
        out.push(("force", self.force.to_string()));
    }
}

/// Options for a get (`metav1.GetOptions`).
///
/// ```
/// use client_core::GetOptions;
/// use client_core::QueryParams;
///
/// assert_eq!(GetOptions::default().to_query_string(), "");
/// assert_eq!(GetOptions::any_version().to_query_string(), "resourceVersion=0");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// `None`: the latest (a quorum read); `"0"`: any version (the server's cache).
    pub resource_version: Option<String>,
}

impl GetOptions {
    /// Get at `resourceVersion=0`: any cached version, cheaper than a quorum read.
    pub fn any_version() -> Self {
        Self {
            resource_version: Some("0".to_owned()),
        }
    }
}

impl QueryParams for GetOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        push_str(out, "resourceVersion", &self.resource_version);
    }
}

/// Options for a list or a watch (`metav1.ListOptions`, without `watch`).
///
/// ```
/// use client_core::{ListOptions, ResourceVersionMatch};
/// use client_core::QueryParams;
///
/// let opts = ListOptions::default()
///     .labels("app=web")
///     .fields("metadata.name=a")
///     .limit(100);
/// assert_eq!(
///     opts.to_query_string(),
///     "fieldSelector=metadata.name%3Da&labelSelector=app%3Dweb&limit=100",
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// A label selector such as `app=web,tier in (a,b)`.
    pub label_selector: Option<String>,
    /// A field selector such as `metadata.name=foo`.
    pub field_selector: Option<String>,
    /// Watch only: ask for BOOKMARK events.
    pub allow_watch_bookmarks: bool,
    /// Where to start: `None` for the latest, `"0"` for any, or a revision.
    pub resource_version: Option<String>,
    /// How to interpret `resource_version`.
    pub resource_version_match: Option<ResourceVersionMatch>,
    /// Server-side timeout for a list or watch, in seconds (sent whenever `Some`).
    pub timeout_seconds: Option<i64>,
    /// Page size (`0`/`None`: no limit).
    pub limit: Option<i64>,
    /// The continue token from the previous page.
    pub continue_: Option<String>,
    /// Watch only: start with ADDED events for the current state, then a bookmark (sent whenever `Some`).
    pub send_initial_events: Option<bool>,
}

impl ListOptions {
    /// Sets the label selector.
    #[must_use]
    pub fn labels(mut self, selector: impl Into<String>) -> Self {
        self.label_selector = Some(selector.into());
        self
    }

    /// Sets the field selector.
    #[must_use]
    pub fn fields(mut self, selector: impl Into<String>) -> Self {
        self.field_selector = Some(selector.into());
        self
    }

    /// Sets the page size.
    #[must_use]
    pub fn limit(mut self, limit: i64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the continue token.
    #[must_use]
    pub fn continue_token(mut self, token: impl Into<String>) -> Self {
        self.continue_ = Some(token.into());
        self
    }

    /// Sets the resource version.
    #[must_use]
    pub fn resource_version(mut self, version: impl Into<String>) -> Self {
        self.resource_version = Some(version.into());
        self
    }

    /// Sets how the resource version is matched.
    #[must_use]
    pub fn version_match(mut self, rule: ResourceVersionMatch) -> Self {
        self.resource_version_match = Some(rule);
        self
    }

    /// Sets the server-side timeout in seconds.
    #[must_use]
    pub fn timeout(mut self, seconds: i64) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// Asks for BOOKMARK events in a watch.
    #[must_use]
    pub fn bookmarks(mut self) -> Self {
        self.allow_watch_bookmarks = true;
        self
    }

    /// Sets `sendInitialEvents` for a watch.
    #[must_use]
    pub fn initial_events(mut self, send: bool) -> Self {
        self.send_initial_events = Some(send);
        self
    }
}

impl QueryParams for ListOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        if self.allow_watch_bookmarks {
            out.push(("allowWatchBookmarks", "true".to_owned()));
        }
        push_str(out, "continue", &self.continue_);
        push_str(out, "fieldSelector", &self.field_selector);
        push_str(out, "labelSelector", &self.label_selector);
        if let Some(limit) = self.limit.filter(|l| *l != 0) {
            out.push(("limit", limit.to_string()));
        }
        push_str(out, "resourceVersion", &self.resource_version);
        if let Some(rule) = self.resource_version_match {
            out.push(("resourceVersionMatch", rule.as_str().to_owned()));
        }
        if let Some(send) = self.send_initial_events {
            out.push(("sendInitialEvents", send.to_string()));
        }
        if let Some(seconds) = self.timeout_seconds {
            out.push(("timeoutSeconds", seconds.to_string()));
        }
    }
}

/// Conditions a delete must meet (`metav1.Preconditions`), else 409 Conflict.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preconditions {
    /// The object's uid must equal this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The object's resourceVersion must equal this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
}

/// Options for a delete or delete-collection (`metav1.DeleteOptions`), sent as the JSON body.
///
/// client-go sends these as the request body (never in the query), and so does
/// this client. The body is `{"kind":"DeleteOptions","apiVersion":"v1",...}`
/// with Go's field order and omissions; `dryRun` is `["All"]`.
///
/// ```
/// use client_core::{DeleteOptions, PropagationPolicy};
///
/// let opts = DeleteOptions::default().grace_period(0).propagation(PropagationPolicy::Foreground);
/// assert_eq!(
///     serde_json::to_string(&opts).unwrap(),
///     r#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"propagationPolicy":"Foreground"}"#,
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOptions {
    /// Seconds before the object is deleted; `0` deletes at once.
    #[serde(default)]
    pub grace_period_seconds: Option<i64>,
    /// Conditions the stored object must meet.
    #[serde(default)]
    pub preconditions: Option<Preconditions>,
    /// Deprecated: use `propagation_policy`. `true` orphans dependents.
    #[serde(default)]
    pub orphan_dependents: Option<bool>,
    /// How dependents are garbage collected.
    #[serde(default)]
    pub propagation_policy: Option<PropagationPolicy>,
    /// Validate and admit the request but delete nothing (`dryRun: ["All"]`).
    #[serde(default, deserialize_with = "dry_run_from_list")]
    pub dry_run: bool,
    /// Delete even if the object cannot be read from storage (may break the cluster).
    #[serde(default)]
    pub ignore_store_read_error_with_cluster_breaking_potential: Option<bool>,
}

fn dry_run_from_list<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let list = Option::<Vec<String>>::deserialize(deserializer)?;
    Ok(list.is_some_and(|l| l.iter().any(|v| v == "All")))
}

impl DeleteOptions {
    /// Sets the grace period in seconds.
    #[must_use]
    pub fn grace_period(mut self, seconds: i64) -> Self {
        self.grace_period_seconds = Some(seconds);
        self
    }

    /// Sets the propagation policy.
    #[must_use]
    pub fn propagation(mut self, policy: PropagationPolicy) -> Self {
        self.propagation_policy = Some(policy);
        self
    }

    /// Requires the object's uid to match.
    #[must_use]
    pub fn precondition_uid(mut self, uid: impl Into<String>) -> Self {
        self.preconditions
            .get_or_insert_with(Preconditions::default)
            .uid = Some(uid.into());
        self
    }

    /// Requires the object's resourceVersion to match.
    #[must_use]
    pub fn precondition_resource_version(mut self, version: impl Into<String>) -> Self {
        self.preconditions
            .get_or_insert_with(Preconditions::default)
            .resource_version = Some(version.into());
        self
    }

    /// Makes this a dry run.
    #[must_use]
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }
}

impl Serialize for DeleteOptions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DeleteOptions", 8)?;
        s.serialize_field("kind", "DeleteOptions")?;
        s.serialize_field("apiVersion", "v1")?;
        if let Some(v) = self.grace_period_seconds {
            s.serialize_field("gracePeriodSeconds", &v)?;
        }
        if let Some(v) = &self.preconditions {
            s.serialize_field("preconditions", v)?;
        }
        if let Some(v) = self.orphan_dependents {
            s.serialize_field("orphanDependents", &v)?;
        }
        if let Some(v) = self.propagation_policy {
            s.serialize_field("propagationPolicy", &v)?;
        }
        if self.dry_run {
            s.serialize_field("dryRun", &["All"])?;
        }
        if let Some(v) = self.ignore_store_read_error_with_cluster_breaking_potential {
            s.serialize_field("ignoreStoreReadErrorWithClusterBreakingPotential", &v)?;
        }
        s.end()
    }
}
