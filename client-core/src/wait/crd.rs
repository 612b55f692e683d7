//! [`install_crd`]: create-or-update a `CustomResourceDefinition`, then wait
//! until the server serves it.

use std::time::Duration;

use super::{WaitError, await_condition, conditions};
use crate::api::CustomResourceDefinition;
use crate::client::RestClient;
use crate::typed::TypedClient;
use crate::watcher::WatcherConfig;
use crate::{CreateOptions, GetOptions, UpdateOptions};

/// How many times an update that lost a race (409 Conflict) is tried again.
const UPDATE_ATTEMPTS: u32 = 5;

/// What [`install_crd`] did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InstalledCrd {
    /// The CRD as the server reported it once `Established`.
    pub crd: CustomResourceDefinition,
    /// `true` when this call created it; `false` when it updated one that existed.
    pub created: bool,
}

/// Creates `crd`, or updates the CRD of that name to `crd`'s spec, labels and
/// annotations if it exists; then waits until it is `Established`, so that
/// objects of its kind can be created at once. The whole call takes at most
/// `timeout`.
///
/// An update keeps the existing CRD's other metadata and its status, and is
/// retried on `Conflict` (another writer in between) up to five times.
///
/// # Errors
///
/// [`WaitError::Install`] when a create, read or update fails (for instance
/// 403 Forbidden, or 422 Invalid for a spec the server refuses);
/// [`WaitError::Timeout`] when the CRD is not established in time.
///
/// ```
/// # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// # let server = client_testserver::TestServer::start().await?;
/// # let client = server.rest_client()?;
/// use std::time::Duration;
/// use client_core::{ObjectMeta, Resource, wait};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
/// #[resource(group = "stable.example.com", version = "v1", kind = "CronTab")]
/// struct CronTab {
///     metadata: ObjectMeta,
/// }
///
/// let installed = wait::install_crd(&client, &CronTab::crd(), Duration::from_secs(30)).await?;
/// assert!(installed.created && installed.crd.is_established());
/// // Installing again updates it in place.
/// let again = wait::install_crd(&client, &CronTab::crd(), Duration::from_secs(30)).await?;
/// assert!(!again.created);
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
/// #     .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(60), demo()).await })
/// #     .unwrap().unwrap();
/// ```
pub async fn install_crd(
    client: &RestClient,
    crd: &CustomResourceDefinition,
    timeout: Duration,
) -> Result<InstalledCrd, WaitError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let timed_out = || WaitError::Timeout {
        after: timeout,
        last_error: None,
    };
    let crds = TypedClient::<CustomResourceDefinition>::cluster(client.clone());
    let name = crd.metadata.name.clone().unwrap_or_default();
    let created = tokio::time::timeout_at(deadline, create_or_update(&crds, crd, &name))
        .await
        .map_err(|_| timed_out())??;
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    let established = await_condition(
        crds.watcher(WatcherConfig::default().named(&name)),
        &name,
        conditions::is_crd_established(),
        left,
    )
    .await
    .map_err(|error| match error {
        WaitError::Timeout { last_error, .. } => WaitError::Timeout {
            after: timeout,
            last_error,
        },
        other => other,
    })?;
    // `is_crd_established` never holds for an absent CRD.
    let crd = established.ok_or(WaitError::Ended)?;
    tracing::debug!(crd = %name, created, "CustomResourceDefinition established");
    Ok(InstalledCrd { crd, created })
}

/// Creates `crd`; when it exists, updates it. `true` when created.
async fn create_or_update(
    crds: &TypedClient<CustomResourceDefinition>,
    crd: &CustomResourceDefinition,
    name: &str,
) -> Result<bool, WaitError> {
    match crds.create(crd, &CreateOptions::default()).await {
        Ok(_) => return Ok(true),
        Err(error) if error.is_already_exists() => {}
        Err(error) => return Err(WaitError::Install(error)),
    }
    let mut attempt = 1;
    loop {
        let mut existing = crds
            .get(name, &GetOptions::default())
            .await
            .map_err(WaitError::Install)?;
        existing.spec = crd.spec.clone();
        existing.metadata.labels.extend(crd.metadata.labels.clone());
        existing
            .metadata
            .annotations
            .extend(crd.metadata.annotations.clone());
        match crds.update(&existing, &UpdateOptions::default()).await {
            Ok(_) => return Ok(false),
            Err(error) if error.is_conflict() && attempt < UPDATE_ATTEMPTS => attempt += 1,
            Err(error) => return Err(WaitError::Install(error)),
        }
    }
}
