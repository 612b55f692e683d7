//! A read-only client (`+genclient:readonly`): `get`, `list` and `watch`
//! exist; `create`, `update` and `delete` do not, so calling them is a compile
//! error, not a runtime one. The objects here are written through the
//! untyped `DynamicClient`, as another controller would write them.
//!
//! ```sh
//! cargo run -p examples --example read_only
//! ```

use client_core::api::{ApiResource, DynamicObject};
use client_core::{
    CreateOptions, DeleteOptions, DynamicClient, GetOptions, ListOptions, ObjectMeta, Resource,
};
use examples::{BoxError, Target};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An audit record: written by the auditing system, only read by this program.
#[derive(Resource, JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "audit.example.com", version = "v1", readonly, schema)]
pub struct Record {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// What happened.
    #[serde(default)]
    pub spec: serde_json::Value,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let client = &target.client;
    target.install_crd(&Record::crd()?).await?;

    // Another writer stores records through the untyped client.
    let writer = DynamicClient::new(
        client.clone(),
        &ApiResource::of::<Record>(),
        Some(&target.namespace),
    );
    for (i, action) in ["login", "logout"].iter().enumerate() {
        let obj = DynamicObject {
            metadata: ObjectMeta::named(format!("record-{i}")),
            data: serde_json::json!({"spec": {"action": action}}),
            ..DynamicObject::default()
        };
        writer.create(&obj, &CreateOptions::default()).await?;
    }

    // This program only reads: `records.create(..)` does not compile.
    let records = Record::client(client, &target.namespace);
    let list = records.list(&ListOptions::default()).await?;
    for record in &list.items {
        println!(
            "{}: {}",
            record.metadata.name.as_deref().unwrap_or("?"),
            record.spec["action"]
        );
    }
    let first = records.get("record-0", &GetOptions::default()).await?;
    println!(
        "got {} via the read-only client",
        first.metadata.name.unwrap_or_default()
    );

    for i in 0..2 {
        writer
            .delete(&format!("record-{i}"), &DeleteOptions::default())
            .await?;
    }
    target.cleanup().await
}
