//! A cluster-scoped custom resource: no namespace anywhere, neither in the
//! client nor in the paths (`/apis/{group}/{version}/{plural}/{name}`).
//!
//! ```sh
//! cargo run -p examples --example cluster_scoped
//! ```

use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectMeta, Patch, PatchOptions,
    Resource,
};
use examples::{BoxError, Target};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A region of the fleet; it belongs to no namespace.
#[derive(Resource, JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "fleet.example.com",
    version = "v1",
    cluster,
    short_names("rg"),
    schema
)]
pub struct Region {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The region's settings.
    pub spec: RegionSpec,
}

/// What a [`Region`] holds.
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionSpec {
    /// The availability zones in the region.
    pub zones: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let client = &target.client;
    target.install_crd(&Region::crd()?).await?;

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
    target.cleanup().await
}
