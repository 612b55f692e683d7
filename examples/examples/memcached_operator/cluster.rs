//! `--kubeconfig PATH`: run as a real operator would, against that cluster,
//! until SIGTERM or ctrl-c.

use std::time::Duration;

use client_core::{Config, Kubeconfig, KubeconfigOptions, RestClient, wait};
use client_runtime::CancellationToken;
use examples::BoxError;

use crate::args::Args;
use crate::crd::Memcached;
use crate::metrics::Metrics;
use crate::replica::{self, Settings};

/// How long the CRD may take to be installed and established.
const CRD_WITHIN: Duration = Duration::from_secs(30);

/// The client for `path`'s cluster, with controller-runtime's default rate
/// limits (20 requests per second, burst 30) rather than client-go's 5.
///
/// # Errors
///
/// The kubeconfig does not load or names no usable cluster.
pub fn client(path: &str, context: Option<&str>) -> Result<RestClient, BoxError> {
    let options = KubeconfigOptions {
        context: context.map(str::to_owned),
        ..KubeconfigOptions::default()
    };
    let mut config = Config::from_kubeconfig(&Kubeconfig::read_from(path)?, &options)?;
    config.qps = 20.0;
    config.burst = 30;
    Ok(RestClient::new(config)?)
}

/// Cancels `stop` on SIGTERM or ctrl-c.
fn stop_on_signals(stop: CancellationToken) -> Result<(), BoxError> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminated = term.recv();
        #[cfg(not(unix))]
        let terminated = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => println!("ctrl-c: stopping"),
            _ = terminated => println!("SIGTERM: stopping"),
        }
        stop.cancel();
    });
    Ok(())
}

/// Installs or updates the CRD, then runs one replica until a signal.
///
/// # Errors
///
/// The cluster cannot be reached, the CRD is refused, or leadership was
/// lost (the process must exit: another replica may already act).
pub async fn run(path: &str, args: &Args, metrics: &Metrics) -> Result<(), BoxError> {
    let client = client(path, args.context.as_deref())?;
    let stop = CancellationToken::new();
    stop_on_signals(stop.clone())?;
    let installed = wait::install_crd(&client, &Memcached::crd()?, CRD_WITHIN).await?;
    let verb = if installed.created {
        "installed"
    } else {
        "updated"
    };
    println!(
        "[{}] {verb} CRD memcacheds.cache.example.com",
        args.identity
    );
    let settings = Settings {
        namespace: args.namespace.clone(),
        identity: args.identity.clone(),
        election: args.election,
    };
    replica::run(client, settings, metrics, stop).await?;
    Ok(())
}
