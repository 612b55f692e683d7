//! The lock an elector competes for: [`Lock`], its [`LeaderRecord`], and
//! [`LeaseLock`] on a `coordination.k8s.io/v1` Lease.

use std::future::Future;
use std::sync::Mutex;

use client_core::api::{Lease, LeaseSpec};
use client_core::{
    CreateOptions, GetOptions, MicroTime, ObjectMeta, RestClient, TypedClient, UpdateOptions,
};

/// Who holds the lock, since when, and how often it changed hands
/// (client-go's `LeaderElectionRecord`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaderRecord {
    /// The holder; empty or `None` when released.
    pub holder_identity: Option<String>,
    /// How long others wait after the last renewal they saw, in seconds.
    pub lease_duration_seconds: i32,
    /// When the current holder acquired it.
    pub acquire_time: Option<MicroTime>,
    /// When the holder last renewed it.
    pub renew_time: Option<MicroTime>,
    /// How many times it changed hands.
    pub lease_transitions: i32,
}

impl LeaderRecord {
    /// The holder, if any (an empty identity counts as none).
    pub fn holder(&self) -> Option<&str> {
        self.holder_identity.as_deref().filter(|h| !h.is_empty())
    }
}

/// A record as read, with the version that guards the next write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The record.
    pub record: LeaderRecord,
    /// The object's resourceVersion: an update carries it, so a concurrent
    /// write makes the update fail (409) instead of overwriting.
    pub version: String,
}

/// Why a lock operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The server refused or could not be reached.
    #[error("lock request failed: {0}")]
    Api(#[from] client_core::Error),
    /// Any other failure (for locks not backed by the API).
    #[error("lock request failed: {0}")]
    Other(String),
}

/// What leader election needs of a lock (client-go's `resourcelock.Interface`).
pub trait Lock: Send + Sync {
    /// This candidate's identity.
    fn identity(&self) -> &str;
    /// The current record, or `None` if the lock object does not exist.
    fn get(&self) -> impl Future<Output = Result<Option<Observed>, LockError>> + Send;
    /// Creates the lock object with `record` (fails if it exists).
    fn create(
        &self,
        record: LeaderRecord,
    ) -> impl Future<Output = Result<Observed, LockError>> + Send;
    /// Replaces the record, if the object is still at `current.version`.
    fn update(
        &self,
        current: &Observed,
        record: LeaderRecord,
    ) -> impl Future<Output = Result<Observed, LockError>> + Send;
}

/// A [`Lock`] on a Lease, as kube-controller-manager and controller-runtime use.
pub struct LeaseLock {
    leases: TypedClient<Lease>,
    name: String,
    namespace: String,
    identity: String,
    /// The Lease last read or written, so an update keeps its other fields.
    last: Mutex<Option<Lease>>,
}

impl std::fmt::Debug for LeaseLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseLock")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl LeaseLock {
    /// The Lease `namespace/name`, competed for as `identity` (unique per
    /// replica: the pod name, or hostname plus a random suffix).
    pub fn new(
        client: RestClient,
        namespace: impl Into<String>,
        name: impl Into<String>,
        identity: impl Into<String>,
    ) -> Self {
        let namespace = namespace.into();
        Self {
            leases: TypedClient::namespaced(client, namespace.clone()),
            name: name.into(),
            namespace,
            identity: identity.into(),
            last: Mutex::new(None),
        }
    }

    fn remember(&self, lease: Lease) -> Observed {
        let observed = observed_of(&lease);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(lease);
        observed
    }
}

fn observed_of(lease: &Lease) -> Observed {
    let spec = lease.spec.clone().unwrap_or_default();
    Observed {
        record: LeaderRecord {
            holder_identity: spec.holder_identity,
            lease_duration_seconds: spec.lease_duration_seconds.unwrap_or_default(),
            acquire_time: spec.acquire_time,
            renew_time: spec.renew_time,
            lease_transitions: spec.lease_transitions.unwrap_or_default(),
        },
        version: lease.metadata.resource_version.clone().unwrap_or_default(),
    }
}

fn spec_of(record: LeaderRecord, base: Option<LeaseSpec>) -> LeaseSpec {
    LeaseSpec {
        holder_identity: record.holder_identity,
        lease_duration_seconds: Some(record.lease_duration_seconds),
        acquire_time: record.acquire_time,
        renew_time: record.renew_time,
        lease_transitions: Some(record.lease_transitions),
        ..base.unwrap_or_default()
    }
}

impl Lock for LeaseLock {
    fn identity(&self) -> &str {
        &self.identity
    }

    async fn get(&self) -> Result<Option<Observed>, LockError> {
        match self.leases.get(&self.name, &GetOptions::default()).await {
            Ok(lease) => Ok(Some(self.remember(lease))),
            Err(client_core::Error::Api { status, .. }) if status.code == 404 => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn create(&self, record: LeaderRecord) -> Result<Observed, LockError> {
        let lease = Lease {
            metadata: ObjectMeta::named(self.name.clone()).in_namespace(self.namespace.clone()),
            spec: Some(spec_of(record, None)),
        };
        let created = self
            .leases
            .create(&lease, &CreateOptions::default())
            .await?;
        Ok(self.remember(created))
    }

    async fn update(
        &self,
        current: &Observed,
        record: LeaderRecord,
    ) -> Result<Observed, LockError> {
        let base = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut lease = base.unwrap_or_else(|| Lease {
            metadata: ObjectMeta::named(self.name.clone()).in_namespace(self.namespace.clone()),
            spec: None,
        });
        lease.metadata.resource_version = Some(current.version.clone());
        lease.spec = Some(spec_of(record, lease.spec.take()));
        let updated = self
            .leases
            .update(&lease, &UpdateOptions::default())
            .await?;
        Ok(self.remember(updated))
    }
}
