//! operator-sdk's tutorial operator, in Rust: a `Memcached` custom resource
//! (`cache.example.com/v1alpha1`, its schema generated from the Rust types)
//! becomes a Deployment of `spec.size` memcached pods and a Service, both
//! controlled by it; `status.nodes` lists the pods; a finalizer records the
//! cleanup in an Event when it is deleted, and the garbage collector takes
//! the Deployment and Service.
//!
//! What it shows, end to end, on `client-runtime`: one shared informer
//! factory (Memcacheds, and Deployments, Services and pods labelled
//! `app=memcached`), a controller that `owns` Deployments and Services and
//! `watches` pods, listers, a finalizer, an event recorder, leader election
//! on a Lease, and Prometheus metrics (the work queue's and the leader
//! gauge) on `--metrics-addr`.
//!
//! ```sh
//! # the embedded server with the simulated cluster, a scripted demo, exit 0:
//! cargo run -p examples --example memcached_operator
//! # a real operator: install the CRD, reconcile until SIGTERM; start it twice
//! # for two replicas under one Lease
//! cargo run -p examples --example memcached_operator -- --kubeconfig ~/.kube/config \
//!     --metrics-addr 127.0.0.1:8080
//! ```
//!
//! `--help` lists the flags (the namespace, the identity, the Lease's timings).

mod args;
mod cluster;
mod crd;
mod demo;
mod metrics;
mod reconcile;
mod replica;

use std::process::ExitCode;
use std::time::Duration;

use client_runtime::CancellationToken;
use examples::BoxError;
use tokio::net::TcpListener;

use crate::args::Command;
use crate::metrics::Metrics;

/// The demo's hard limit.
const DEMO_LIMIT: Duration = Duration::from_secs(75);

/// Exits 1 with the error's message (rather than `main`'s `Debug` print),
/// so `leadership lost` reads as such.
#[tokio::main]
async fn main() -> ExitCode {
    examples::init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("memcached_operator: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let args = match args::parse(std::env::args().skip(1))? {
        Command::Help => {
            println!("{}", args::USAGE);
            return Ok(());
        }
        Command::Run(args) => args,
    };
    let metrics = Metrics::new();
    let serving = CancellationToken::new();
    if let Some(addr) = args.metrics_addr {
        let listener = TcpListener::bind(addr).await?;
        println!(
            "serving metrics on http://{}/metrics",
            listener.local_addr()?
        );
        tokio::spawn(metrics::serve(
            listener,
            metrics.registry.clone(),
            serving.clone(),
        ));
    }
    let outcome = match &args.kubeconfig {
        Some(path) => cluster::run(path, &args, &metrics).await,
        None => tokio::time::timeout(DEMO_LIMIT, demo::run(&args, &metrics))
            .await
            .unwrap_or_else(|_| Err(format!("the demo took longer than {DEMO_LIMIT:?}").into())),
    };
    serving.cancel();
    outcome
}
