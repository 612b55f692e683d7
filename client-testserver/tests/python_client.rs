//! The official Kubernetes Python client (`kubernetes` 33.1.0, generated
//! from Kubernetes 1.33's OpenAPI) against the server, over HTTPS with the
//! kubeconfig the server writes (issue 13, "Must show"): it creates a
//! Deployment and lists pods for all namespaces (`tests/python/builtins.py`).
//!
//! The requirements (`tests/python/requirements.txt`) are installed once with
//! `python3 -m pip install --target` into `CARGO_TARGET_TMPDIR/pydeps`, and
//! installed again only when the requirements file changes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use client_testserver::TestServer;

/// Where the script and its requirements live.
const PYTHON_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python");

/// What a finished command printed.
struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` to completion within `limit` (killed on expiry, then a
/// panic); its output goes through files so that a chatty command never
/// blocks on a full pipe.
fn run_bounded(mut cmd: Command, limit: Duration) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} timed out after {limit:?}; stderr so far:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        ok: status.success(),
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
    }
}

/// The installed requirements: `CARGO_TARGET_TMPDIR/pydeps`, holding a copy
/// of the requirements file it was installed from. Installs into a staging
/// directory first and renames it, so a killed install leaves nothing that
/// looks complete.
fn python_deps() -> PathBuf {
    let requirements = Path::new(PYTHON_DIR).join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.join("pydeps");
    let stamp = |dir: &Path| std::fs::read_to_string(dir.join("requirements.txt")).ok();
    if stamp(&target).as_deref() == Some(wanted.as_str()) {
        return target;
    }
    let staging = tmp.join(format!("pydeps.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let mut pip = Command::new("python3");
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--target",
    ])
    .arg(&staging)
    .arg("-r")
    .arg(&requirements);
    let out = run_bounded(pip, Duration::from_secs(300));
    assert!(out.ok, "pip install failed:\n{}{}", out.stdout, out.stderr);
    std::fs::write(staging.join("requirements.txt"), &wanted).unwrap();
    let _ = std::fs::remove_dir_all(&target);
    if std::fs::rename(&staging, &target).is_err() {
        // Another test process installed the same requirements meanwhile.
        let _ = std::fs::remove_dir_all(&staging);
        assert_eq!(stamp(&target).as_deref(), Some(wanted.as_str()));
    }
    target
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_creates_a_deployment_and_lists_pods_everywhere() {
    let deps = tokio::task::spawn_blocking(python_deps).await.unwrap();
    let server = tokio::time::timeout(Duration::from_secs(10), TestServer::start())
        .await
        .expect("start timed out")
        .expect("start failed");
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig).unwrap();
    let mut python = Command::new("python3");
    python
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("PYTHONPATH", &deps)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(Path::new(PYTHON_DIR).join("builtins.py"))
        .arg(&kubeconfig);
    let out = tokio::task::spawn_blocking(move || run_bounded(python, Duration::from_secs(240)))
        .await
        .unwrap();
    assert!(
        out.ok,
        "builtins.py failed:\n{}\n{}",
        out.stdout, out.stderr
    );
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        [
            "deployment default/web: replicas=1 strategy=RollingUpdate \
             revisionHistoryLimit=10 progressDeadlineSeconds=600",
            "pods for all namespaces: default/a py/b",
            "ok",
        ],
        "{}",
        out.stderr
    );
    // The client spoke JSON to the typed endpoints it was generated for.
    let log = server.requests().all();
    let create = log
        .iter()
        .find(|r| r.method == "POST" && r.path == "/apis/apps/v1/namespaces/default/deployments")
        .expect("the Deployment was POSTed to its typed collection");
    assert_eq!(create.content_type.as_deref(), Some("application/json"));
    assert!(
        log.iter()
            .any(|r| r.method == "GET" && r.path == "/api/v1/pods"),
        "pods were listed for all namespaces"
    );
}
