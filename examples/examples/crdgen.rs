//! Prints the `CustomResourceDefinition` of every example's custom resource
//! as YAML, with the structural schemas generated from the Rust types:
//!
//! ```sh
//! cargo run -p examples --example crdgen | kubectl apply -f -
//! ```
//!
//! Each example is compiled here as a module so that its types are the ones
//! printed (their `main`s are not called).

#[allow(dead_code)]
#[path = "cluster_scoped.rs"]
mod cluster_scoped;
#[allow(dead_code)]
#[path = "memcached_operator/crd.rs"]
mod memcached_operator;
#[allow(dead_code)]
#[path = "quickstart.rs"]
mod quickstart;
#[allow(dead_code)]
#[path = "read_only.rs"]
mod read_only;
#[allow(dead_code)]
#[path = "scale_subresource.rs"]
mod scale_subresource;

use client_core::schema::crd_yaml;
use examples::BoxError;

fn main() -> Result<(), BoxError> {
    examples::init_tracing();
    let crds = [
        quickstart::CronTab::crd()?,
        cluster_scoped::Region::crd()?,
        read_only::Record::crd()?,
        scale_subresource::WorkerPool::crd()?,
        memcached_operator::Memcached::crd()?,
    ];
    for crd in &crds {
        print!("---\n{}", crd_yaml(crd)?);
    }
    Ok(())
}
