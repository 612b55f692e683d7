//! Runs every example as a newcomer would, against the embedded server, and
//! checks that it exits 0 and says what it did.
//!
//! `cargo test` builds the examples before it runs tests, so the binaries
//! sit next to this test's own (`target/<profile>/examples/`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

mod support;

/// A hard limit for one example: one hang must not eat CI.
const LIMIT: Duration = Duration::from_secs(90);

/// A hard limit for one call to the server from the test itself.
const STEP: Duration = Duration::from_secs(20);

/// Runs `future` on `runtime` with the [`STEP`] limit.
fn block<F: std::future::Future>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output {
    runtime
        .block_on(async { tokio::time::timeout(STEP, future).await })
        .expect("a call to the server took longer than STEP")
}

/// Runs an example with a hard timeout and returns its stdout.
fn run(name: &str) -> String {
    run_with_args(name, &[])
}

/// Runs an example with arguments, a hard timeout, and returns its stdout.
fn run_with_args(name: &str, args: &[&str]) -> String {
    run_with_env(name, args, None).0
}

/// Runs an example with arguments and `RUST_LOG` set to `rust_log` (removed
/// when `None`), a hard timeout; returns its stdout and stderr.
fn run_with_env(name: &str, args: &[&str], rust_log: Option<&str>) -> (String, String) {
    let mut command = Command::new(support::example_binary(name));
    match rust_log {
        Some(filter) => command.env("RUST_LOG", filter),
        None => command.env_remove("RUST_LOG"),
    };
    let support::Finished {
        status,
        stdout,
        stderr,
    } = support::run_bounded(command.args(args), LIMIT, name);
    assert!(
        status.success(),
        "{name} failed ({status}):\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// Every example installs a tracing subscriber: `RUST_LOG` shows the
/// client's `request` span with its documented fields; without it, stderr
/// stays quiet.
#[test]
fn rust_log_shows_the_request_spans() {
    let (_, quiet) = run_with_env("configmaps", &[], None);
    assert!(!quiet.contains("request{"), "{quiet}");
    let (stdout, logs) = run_with_env("configmaps", &[], Some("client_core=debug"));
    assert!(
        logs.contains("request{verb=POST path=/api/v1/namespaces/default/configmaps"),
        "{logs}"
    );
    for field in ["status=201", "retries=0", "latency_ms="] {
        assert!(logs.contains(field), "{field} missing in {logs}");
    }
    assert!(!stdout.contains("request{"), "logs go to stderr: {stdout}");
    let examples = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap();
    for entry in examples {
        let mut path = entry.unwrap().path();
        if path.is_dir() {
            // A multi-file example: its `main.rs` starts it.
            path.push("main.rs");
        }
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(
            source.contains("examples::init_tracing();"),
            "{} installs no tracing subscriber",
            path.display()
        );
    }
}

#[test]
fn quickstart() {
    let out = run("quickstart");
    for line in [
        "installed CRD crontabs.stable.example.com",
        "created nightly",
        "listed 1 crontab(s) with app=quickstart",
        "updated replicas to 2 (generation 2)",
        "merge-patched image to registry.example/cron:2",
        "server-side apply refused: Conflict",
        "force-applied replicas 3 as quickstart-apply",
        "stale update refused: Conflict",
        "retried after a fresh get: replicas 5",
        "paged through 250 crontabs in 3 pages of at most 100",
        "deleted nightly: get now says NotFound",
        "watcher: deleted nightly",
        "done",
    ] {
        assert!(
            out.contains(line),
            "quickstart output lacks {line:?}:\n{out}"
        );
    }
}

#[test]
fn cluster_scoped() {
    let out = run("cluster_scoped");
    assert!(out.contains("(namespace: None)"), "{out}");
    assert!(out.contains("zones now [\"a\", \"b\", \"c\"]"), "{out}");
    assert!(out.contains("after delete, get is NotFound: true"), "{out}");
}

#[test]
fn read_only() {
    let out = run("read_only");
    assert!(out.contains("record-0: \"login\""), "{out}");
    assert!(
        out.contains("got record-0 via the read-only client"),
        "{out}"
    );
}

#[test]
fn scale_subresource() {
    let out = run("scale_subresource");
    assert!(out.contains("scaled to Some(5)"), "{out}");
    assert!(out.contains("the pool's spec.replicas is now 5"), "{out}");
}

#[test]
fn configmaps() {
    let out = run("configmaps");
    assert!(out.contains("log-level is now Some(\"debug\")"), "{out}");
    assert!(
        out.contains("namespaces: default, kube-node-lease, kube-public, kube-system"),
        "{out}"
    );
}

#[test]
fn watcher() {
    let out = run("watcher");
    assert!(
        out.contains("watcher recovered from"),
        "the watch was cut: {out}"
    );
    assert!(out.contains("deleted cm-1"), "{out}");
    assert!(
        out.contains("the consumer's view matches the server: true (5 configmaps)"),
        "{out}"
    );
}

#[test]
fn operator() {
    let out = run("operator");
    for line in [
        "settings-summary lists keys a,b\n",
        "settings-summary lists keys a,b,c\n",
        "the finalizer removed settings-summary, then settings went\n",
        "the controller stopped and the lease was released\n",
        "metric workqueue_adds_total{name=\"configmaps\"} ",
    ] {
        assert!(out.contains(line), "missing {line:?} in {out}");
    }
    let events = out
        .lines()
        .find_map(|l| l.strip_prefix("events about settings: "))
        .expect("an events line");
    assert!(events.contains("Cleaned x"), "{events}");
    assert!(events.contains("Summarized x"), "{events}");
}

/// The reference operator's demo on the embedded server with the simulated
/// cluster: a Memcached of 3, scaled to 5, deleted; the schema's range
/// refuses 6. Its two-replica run is `tests/memcached_operator.rs`.
#[test]
fn memcached_operator() {
    let out = run_with_args("memcached_operator", &["--identity", "demo-0"]);
    for line in [
        "installed CRD memcacheds.cache.example.com\n",
        "a Memcached of 6 is refused: Memcached.cache.example.com \"too-big\" is invalid: spec.size: Invalid value: 6: spec.size in body should be less than or equal to 5\n",
        "created Memcached memcached-sample of 3 (image memcached:1.6-alpine)\n",
        "[demo-0] leads Lease memcached-operator: reconciling\n",
        "Deployment memcached-sample is Available with 3 of 3 pods\n",
        "status.nodes lists 3 pods\n",
        "Service memcached-sample: port Some(11211), controlled by Some(\"Memcached memcached-sample\")\n",
        "[demo-0] updated Deployment default/memcached-sample: 5 pod(s) of memcached:1.6-alpine\n",
        "Deployment memcached-sample is Available with 5 of 5 pods\n",
        "status.nodes lists 5 pods\n",
        "Memcached memcached-sample is gone (the finalizer ran)\n",
        "its Deployment and Service are gone (garbage collection)\n",
        "[demo-0] stopped\n",
        "metric leader_election_master_status{name=\"memcached-operator\"} 0\n",
        "metric workqueue_adds_total{name=\"memcacheds\"} ",
        "done\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in {out}");
    }
    let nodes: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("status.nodes: "))
        .collect();
    assert_eq!(nodes.len(), 2, "{out}");
    assert_eq!(nodes[0].split(", ").count(), 3, "{out}");
    assert_eq!(nodes[1].split(", ").count(), 5, "{out}");
    let events = out
        .lines()
        .find_map(|l| l.strip_prefix("events about memcached-sample: "))
        .expect("an events line");
    for reason in ["Created", "Updated", "Finalized"] {
        assert!(events.contains(reason), "{events}");
    }
    let usage = run_with_args("memcached_operator", &["--help"]);
    assert!(usage.contains("--lease-duration D"), "{usage}");
}

/// The path a user takes against a real cluster: `--kubeconfig PATH` makes
/// the example work in a namespace of its own and delete it at the end, and
/// leave a CRD it did not install alone. The embedded server, reached only
/// through the kubeconfig it writes, stands in for the cluster.
#[test]
fn quickstart_against_a_cluster_from_a_kubeconfig() {
    use client_core::api::CustomResourceDefinition;
    use client_core::{CreateOptions, GetOptions, TypedClient};

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = block(&runtime, client_testserver::TestServer::start()).expect("server");
    let dir = std::env::temp_dir().join(format!("quickstart-kubeconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let kubeconfig = dir.join("config");
    server.write_kubeconfig(&kubeconfig).expect("kubeconfig");
    let args = ["--kubeconfig", kubeconfig.to_str().expect("utf-8 path")];
    let crds =
        TypedClient::<CustomResourceDefinition>::cluster(server.rest_client().expect("client"));
    let crd_name = "crontabs.stable.example.com";

    // 1. No CRD yet: the example installs it, and removes it at the end.
    let out = run_with_args("quickstart", &args);
    assert!(
        out.contains("using the cluster at https://127.0.0.1"),
        "{out}"
    );
    let namespace = out
        .lines()
        .find_map(|l| l.strip_prefix("created namespace "))
        .expect("the example made its own namespace")
        .to_owned();
    assert!(out.contains(&format!("installed CRD {crd_name}")), "{out}");
    assert!(out.contains(&format!("deleted CRD {crd_name}")), "{out}");
    assert!(
        out.contains(&format!("deleted namespace {namespace}")),
        "{out}"
    );
    let gone = block(&runtime, crds.get(crd_name, &GetOptions::default()));
    assert!(gone.is_err_and(|e| e.is_not_found()));

    // 2. A CRD already in place is used and left alone.
    let crd: CustomResourceDefinition = serde_json::from_value(serde_json::json!({
        "metadata": {"name": crd_name},
        "spec": {
            "group": "stable.example.com",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "subresources": {"status": {}}
            }]
        }
    }))
    .expect("CRD");
    block(&runtime, crds.create(&crd, &CreateOptions::default())).expect("pre-existing CRD");
    let again = run_with_args("quickstart", &args);
    assert!(
        again.contains("already exists: leaving it alone"),
        "{again}"
    );
    assert!(!again.contains("deleted CRD"), "{again}");
    assert!(again.contains("done"), "{again}");
    let kept = block(&runtime, crds.get(crd_name, &GetOptions::default()));
    assert!(kept.is_ok(), "the CRD it found must stay: {kept:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The built-in kinds through k8s-openapi: every step runs on the embedded
/// server, the pod subresources on a pod the example made from the
/// Deployment's template (no controller runs there).
#[test]
fn builtins() {
    let out = run("builtins");
    for line in [
        "created configmap builtins-settings (uid set: true)",
        "created deployment web with 1 replica(s)",
        "scale of deployment web: 1 replica(s), selector app=builtins-example",
        "listed 0 pod(s) in all namespaces",
        "no controller made a pod: created pod web-",
        "read 0 byte(s) of logs of pod web-",
        "evicted pod web-",
        "deleted deployment web: true",
        "deleted configmap builtins-settings",
        "done",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
}

/// `crdgen` prints one YAML document per example CRD, each with a generated
/// structural schema, and the embedded server accepts every one of them.
#[test]
fn crdgen_prints_crds_the_server_accepts() {
    use client_core::api::CustomResourceDefinition;
    use client_core::{CreateOptions, TypedClient};

    let out = run("crdgen");
    let crds: Vec<CustomResourceDefinition> = out
        .split("---\n")
        .filter(|doc| !doc.trim().is_empty())
        .map(|doc| {
            assert!(
                doc.starts_with(
                    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                ),
                "{doc}"
            );
            serde_yaml_ng::from_str(doc).expect("a CRD")
        })
        .collect();
    let names: Vec<&str> = crds
        .iter()
        .filter_map(|c| c.metadata.name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            "crontabs.stable.example.com",
            "regions.fleet.example.com",
            "records.audit.example.com",
            "workerpools.workers.example.com",
            "memcacheds.cache.example.com"
        ]
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = block(&runtime, client_testserver::TestServer::start()).expect("server");
    let client =
        TypedClient::<CustomResourceDefinition>::cluster(server.rest_client().expect("client"));
    for crd in &crds {
        let schema = crd.spec.versions[0]
            .schema
            .as_ref()
            .and_then(|s| s.open_api_v3_schema.as_ref())
            .expect("a schema");
        assert_eq!(
            schema["properties"]["metadata"],
            serde_json::json!({"type": "object"})
        );
        assert_eq!(
            schema.get("x-kubernetes-preserve-unknown-fields"),
            None,
            "a generated schema, not the permissive one"
        );
        let created = block(&runtime, client.create(crd, &CreateOptions::default()))
            .expect("the server accepts the CRD");
        assert!(created.is_established(), "{created:?}");
    }
}
