//! The request benchmark end to end: the canned server binary and each of
//! the three client binaries, every workload on both runtimes, small sizes.
//! Every child is killed after a deadline.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one client run may take.
const CHILD_DEADLINE: Duration = Duration::from_secs(60);
/// Objects the server holds in this test.
const OBJECTS: &str = "600";

/// The canned server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server() -> Result<(Server, String), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_canned-server"))
        .args(["300", OBJECTS])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("canned-server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading LISTENING: {e}"))?;
    let url = line
        .trim()
        .strip_prefix("LISTENING ")
        .ok_or_else(|| format!("canned-server said {line:?}"))?
        .to_owned();
    Ok((server, url))
}

/// Runs `binary` with `args` to completion (killed after the deadline);
/// returns its `RESULT` metric names, or why it failed.
fn run(binary: &str, args: &[&str]) -> Result<Vec<String>, String> {
    let mut child = Command::new(binary)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{binary}: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => break,
            None if start.elapsed() > CHILD_DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{binary} {args:?} timed out"));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{binary} {args:?}: {}; {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

#[test]
fn every_client_runs_every_workload_on_both_runtimes() -> Result<(), String> {
    let (_server, url) = start_server()?;
    let clients = [
        env!("CARGO_BIN_EXE_req-ours"),
        env!("CARGO_BIN_EXE_req-kube"),
        env!("CARGO_BIN_EXE_req-floor"),
    ];
    for client in clients {
        for (workload, ops) in [
            ("get", "40"),
            ("get16", "40"),
            ("list", "2"),
            ("pages", "2"),
            ("watch", "300"),
            ("post", "20"),
        ] {
            for runtime in ["current", "multi"] {
                let metrics = run(client, &[workload, runtime, &url, ops, OBJECTS])?;
                assert_eq!(
                    metrics,
                    ["elapsed_ms", "cpu_us_per_op", "hwm_mib", "rss_before_mib"],
                    "{client} {workload} {runtime}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn a_wrong_object_count_fails_the_run() -> Result<(), String> {
    let (_server, url) = start_server()?;
    for client in [
        env!("CARGO_BIN_EXE_req-ours"),
        env!("CARGO_BIN_EXE_req-kube"),
        env!("CARGO_BIN_EXE_req-floor"),
    ] {
        // The server holds 600 objects; a client told 601 must notice.
        let got = run(client, &["list", "current", &url, "1", "601"]);
        assert!(got.is_err(), "{client}: {got:?}");
    }
    Ok(())
}
