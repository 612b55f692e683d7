//! A cluster-scoped custom resource: no namespace anywhere, neither in the
//! client nor in the paths (`/apis/{group}/{version}/{plural}/{name}`).
//!
//! ```sh
//! cargo run -p examples --example cluster_scoped
//! ```

use std::time::Duration;

use client_core::api::CustomResourceDefinition;
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectMeta, Patch, PatchOptions,
    Resource, TypedClient,
};
use examples::{BoxError, Target, wait_established};
use serde::{Deserialize, Serialize};

/// A region of the fleet; it belongs to no namespace.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "fleet.example.com",
    version = "v1",
    cluster,
    short_names("rg")
)]
pub struct Region {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The region's settings.
    pub spec: RegionSpec,
}

/// What a [`Region`] holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionSpec {
    /// The availability zones in the region.
    pub zones: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let client = &target.client;
    let crds = TypedClient::<CustomResourceDefinition>::cluster(client.clone());
    let crd = Region::crd();
    let crd_name = crd.metadata.name.clone().unwrap_or_default();
    let installed = match crds.create(&crd, &CreateOptions::default()).await {
        Ok(_) => true,
        Err(e) if e.is_already_exists() => false,
        Err(e) => return Err(e.into()),
    };
    wait_established(client, &crd_name, Duration::from_secs(30)).await?;

    // The client takes no namespace: `Region::client(&rest, "ns")` would not compile.
    let regions = Region::client(client);
    let name = format!("eu-west-{}", fastrand::u16(..));
    let region = Region {
        metadata: ObjectMeta::named(&name),
        spec: RegionSpec {
            zones: vec!["a".into(), "b".into()],
        },
    };
    let created = regions.create(&region, &CreateOptions::default()).await?;
    println!(
        "created region {name} (namespace: {:?})",
        created.metadata.namespace
    );
    let patch = Patch::Merge(serde_json::json!({"spec": {"zones": ["a", "b", "c"]}}));
    let patched = regions
        .patch(&name, &patch, &PatchOptions::default())
        .await?;
    println!("zones now {:?}", patched.spec.zones);
    let all = regions.list(&ListOptions::default()).await?;
    println!("{} region(s) in the cluster", all.items.len());
    regions.delete(&name, &DeleteOptions::default()).await?;
    let gone = regions.get(&name, &GetOptions::default()).await;
    println!(
        "after delete, get is NotFound: {}",
        gone.is_err_and(|e| e.is_not_found())
    );
    if installed && !target.is_embedded() {
        crds.delete(&crd_name, &DeleteOptions::default()).await?;
    }
    target.cleanup().await
}
