//! The command line: which cluster, which namespace, who this replica is,
//! the election's timings and where metrics are served.

use std::net::SocketAddr;
use std::time::Duration;

use client_runtime::leader_election::LeaderElectionConfig;

/// The usage text `--help` prints.
pub const USAGE: &str = "\
usage: memcached_operator [--kubeconfig PATH [--context NAME]] [--namespace NS]
                          [--identity ID] [--metrics-addr ADDR]
                          [--lease-duration D] [--renew-deadline D] [--retry-period D]

Without --kubeconfig: starts the embedded API server with the simulated
cluster, runs the operator against it through a scripted demo and exits.
With --kubeconfig: installs or updates the Memcached CRD in that cluster and
reconciles until SIGTERM or ctrl-c; every process started with the same
kubeconfig (and namespace) is one replica under one Lease.

  --namespace NS       watch only NS and keep the Lease there
                       (default: every namespace, the Lease in `default`)
  --identity ID        this replica's name in the Lease (default: hostname_pid)
  --metrics-addr ADDR  serve Prometheus metrics on http://ADDR/metrics (default: none)
  --lease-duration D   how long followers wait before taking over (default 15s)
  --renew-deadline D   how long the leader acts without renewing (default 10s)
  --retry-period D     the pause between acquire or renew attempts (default 2s)
                       D is a whole number of `s` or `ms` (`2s`, `500ms`); given
                       only --lease-duration, the other two keep kube's
                       15:10:2 proportions";

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The cluster to run against; `None` runs the embedded demo.
    pub kubeconfig: Option<String>,
    /// The kubeconfig context (its current one when `None`).
    pub context: Option<String>,
    /// The namespace to watch; `None` watches all of them.
    pub namespace: Option<String>,
    /// This replica's identity in the Lease.
    pub identity: String,
    /// Where to serve metrics; `None` serves none.
    pub metrics_addr: Option<SocketAddr>,
    /// The leader election's timings.
    pub election: LeaderElectionConfig,
}

/// Why the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    /// A flag this program does not know.
    #[error("unknown argument {0:?} (try --help)")]
    Unknown(String),
    /// A flag given without its value.
    #[error("{0} needs a value (try --help)")]
    MissingValue(&'static str),
    /// A duration that is not a whole number of `s` or `ms`.
    #[error("{flag} {value:?}: expected a duration such as 2s or 500ms")]
    Duration {
        /// The flag.
        flag: &'static str,
        /// What was given.
        value: String,
    },
    /// A `--metrics-addr` that is not `IP:PORT`.
    #[error("--metrics-addr {0:?}: expected IP:PORT such as 127.0.0.1:8080")]
    Addr(String),
}

/// What [`parse`] found: arguments to run with, or a request for help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run with these arguments.
    Run(Args),
    /// Print [`USAGE`] and exit.
    Help,
}

/// Parses the arguments after the program name.
///
/// # Errors
///
/// [`ArgsError`] for an unknown flag, a missing value, or a malformed
/// duration or address.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, ArgsError> {
    let mut args = args.into_iter();
    let mut parsed = Args {
        kubeconfig: None,
        context: None,
        namespace: None,
        identity: default_identity(),
        metrics_addr: None,
        election: LeaderElectionConfig::default(),
    };
    let (mut lease, mut renew, mut retry) = (None, None, None);
    while let Some(arg) = args.next() {
        let mut value = |flag: &'static str| args.next().ok_or(ArgsError::MissingValue(flag));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--kubeconfig" => parsed.kubeconfig = Some(value("--kubeconfig")?),
            "--context" => parsed.context = Some(value("--context")?),
            "--namespace" => parsed.namespace = Some(value("--namespace")?),
            "--identity" => parsed.identity = value("--identity")?,
            "--metrics-addr" => {
                let addr = value("--metrics-addr")?;
                parsed.metrics_addr = Some(addr.parse().map_err(|_| ArgsError::Addr(addr))?);
            }
            "--lease-duration" => {
                lease = Some(duration("--lease-duration", value("--lease-duration")?)?)
            }
            "--renew-deadline" => {
                renew = Some(duration("--renew-deadline", value("--renew-deadline")?)?)
            }
            "--retry-period" => retry = Some(duration("--retry-period", value("--retry-period")?)?),
            _ => return Err(ArgsError::Unknown(arg)),
        }
    }
    parsed.election = election(lease, renew, retry);
    Ok(Command::Run(parsed))
}

/// The timings: kube's defaults, or the given lease duration with the other
/// two in kube's 15:10:2 proportions, each overridable.
fn election(
    lease: Option<Duration>,
    renew: Option<Duration>,
    retry: Option<Duration>,
) -> LeaderElectionConfig {
    let defaults = LeaderElectionConfig::default();
    let lease_duration = lease.unwrap_or(defaults.lease_duration);
    let scaled = |d: Duration| {
        lease.map_or(d, |l| {
            l.mul_f64(d.as_secs_f64() / defaults.lease_duration.as_secs_f64())
        })
    };
    LeaderElectionConfig {
        lease_duration,
        renew_deadline: renew.unwrap_or_else(|| scaled(defaults.renew_deadline)),
        retry_period: retry.unwrap_or_else(|| scaled(defaults.retry_period)),
    }
}

/// `2s` or `500ms`.
fn duration(flag: &'static str, value: String) -> Result<Duration, ArgsError> {
    let parsed = if let Some(ms) = value.strip_suffix("ms") {
        ms.parse().ok().map(Duration::from_millis)
    } else if let Some(s) = value.strip_suffix('s') {
        s.parse().ok().map(Duration::from_secs)
    } else {
        None
    };
    parsed.ok_or(ArgsError::Duration { flag, value })
}

/// client-go's convention: the hostname, made unique per process.
fn default_identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "memcached-operator".to_owned());
    format!("{host}_{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, ArgsError> {
        parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn a_lease_duration_alone_keeps_kubes_proportions() {
        let Ok(Command::Run(args)) = run(&["--lease-duration", "3s"]) else {
            panic!("parses");
        };
        assert_eq!(args.election.lease_duration, Duration::from_secs(3));
        assert_eq!(args.election.renew_deadline, Duration::from_secs(2));
        assert_eq!(args.election.retry_period, Duration::from_millis(400));
    }

    #[test]
    fn malformed_values_are_refused_with_the_flag() {
        assert_eq!(
            run(&["--retry-period", "2m"]),
            Err(ArgsError::Duration {
                flag: "--retry-period",
                value: "2m".to_owned()
            })
        );
        assert_eq!(
            run(&["--metrics-addr"]),
            Err(ArgsError::MissingValue("--metrics-addr"))
        );
        assert_eq!(
            run(&["--metrics-addr", "localhost"]),
            Err(ArgsError::Addr("localhost".to_owned()))
        );
        assert_eq!(
            run(&["--verbose"]),
            Err(ArgsError::Unknown("--verbose".to_owned()))
        );
    }
}
