//! The built-in clientset: client-go's
//! `clientset.CoreV1().ConfigMaps("default").List(ctx, opts)` reads
//! `cs.core_v1().configmaps("default").list(&opts)`.
//!
//! ```sh
//! cargo run -p examples --example configmaps
//! ```

use client_core::api::ConfigMap;
use client_core::{
    BuiltinClientset, CreateOptions, DeleteOptions, ListOptions, ObjectMeta, Patch, PatchOptions,
};
use examples::{BoxError, Target};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    examples::init_tracing();
    let target = Target::from_args().await?;
    let cs = BuiltinClientset::new(target.client.clone());
    let configmaps = cs.core_v1().configmaps(&target.namespace);

    let settings = ConfigMap {
        metadata: ObjectMeta::named("settings").with_label("app", "configmaps-example"),
        data: [("log-level".to_owned(), "info".to_owned())].into(),
        ..ConfigMap::default()
    };
    let created = configmaps
        .create(&settings, &CreateOptions::default())
        .await?;
    println!(
        "created configmap settings (resourceVersion {})",
        created.metadata.resource_version.as_deref().unwrap_or("?")
    );

    let patch = Patch::Merge(serde_json::json!({"data": {"log-level": "debug"}}));
    let patched = configmaps
        .patch("settings", &patch, &PatchOptions::default())
        .await?;
    println!("log-level is now {:?}", patched.data.get("log-level"));

    let list = configmaps
        .list(&ListOptions::default().labels("app=configmaps-example"))
        .await?;
    println!(
        "{} configmap(s) labelled app=configmaps-example",
        list.items.len()
    );

    // The namespaces the server knows, through the same clientset.
    let namespaces = cs
        .core_v1()
        .namespaces()
        .list(&ListOptions::default())
        .await?;
    let names: Vec<_> = namespaces
        .items
        .iter()
        .filter_map(|n| n.metadata.name.as_deref())
        .collect();
    println!("namespaces: {}", names.join(", "));

    configmaps
        .delete("settings", &DeleteOptions::default())
        .await?;
    println!("deleted configmap settings");
    target.cleanup().await
}
