//! A custom subresource method (`+genclient:method=GetScale,verb=get,
//! subresource=scale,result=Scale`): a typed method for the `scale`
//! subresource, generated from one attribute, next to the `get_scale` /
//! `update_scale` that `scale(..)` gives.
//!
//! ```sh
//! cargo run -p examples --example scale_subresource
//! ```

use client_core::api::Scale;
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ObjectMeta, Patch, PatchOptions, Resource,
    UpdateOptions,
};
use examples::{BoxError, Target};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A pool of workers whose size the `scale` subresource controls.
#[derive(Resource, JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "workers.example.com",
    version = "v1",
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    method(
        name = "read_scale",
        verb = "get",
        subresource = "scale",
        result = "Scale"
    ),
    schema
)]
pub struct WorkerPool {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The desired size.
    pub spec: WorkerPoolSpec,
    /// The observed size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkerPoolStatus>,
}

/// The desired state of a [`WorkerPool`].
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
pub struct WorkerPoolSpec {
    /// How many workers to run.
    pub replicas: i32,
}

/// The observed state of a [`WorkerPool`].
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
pub struct WorkerPoolStatus {
    /// How many workers run.
    pub replicas: i32,
    /// The label selector of the workers.
    pub selector: String,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let client = &target.client;
    target.install_crd(&WorkerPool::crd()?).await?;

    let pools = WorkerPool::client(client, &target.namespace);
    let pool = WorkerPool {
        metadata: ObjectMeta::named("builders"),
        spec: WorkerPoolSpec { replicas: 2 },
        status: None,
    };
    pools.create(&pool, &CreateOptions::default()).await?;
    let status =
        Patch::Merge(serde_json::json!({"status": {"replicas": 2, "selector": "pool=builders"}}));
    pools
        .patch_status("builders", &status, &PatchOptions::default())
        .await?;

    // The generated custom method reads the autoscaling/v1 Scale.
    let mut scale: Scale = pools.read_scale("builders", &GetOptions::default()).await?;
    println!(
        "scale: spec.replicas={:?} status.replicas={} selector={:?}",
        scale.spec.replicas, scale.status.replicas, scale.status.selector
    );
    scale.spec.replicas = Some(5);
    // Writes go through `update_scale`, which `scale(..)` generates.
    let scaled = pools
        .update_scale("builders", &scale, &UpdateOptions::default())
        .await?;
    println!("scaled to {:?}", scaled.spec.replicas);
    let pool = pools.get("builders", &GetOptions::default()).await?;
    println!("the pool's spec.replicas is now {}", pool.spec.replicas);

    pools.delete("builders", &DeleteOptions::default()).await?;
    target.cleanup().await
}
