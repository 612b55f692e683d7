//! `client-testserver --listen 127.0.0.1:0 --kubeconfig-out PATH [--plain-http] [--token T] [--simulate [--nodes N]]`
//!
//! Prints `listening on URL` once it accepts connections, writes a
//! kubeconfig, serves until SIGINT or SIGTERM, then exits 0. HTTPS with a
//! generated CA and token by default; `--plain-http` without `--token`
//! serves without authentication (kubectl sends no token over plain HTTP).
//! `--simulate` runs the simulated cluster (controllers, `--nodes N` nodes,
//! default 2, a scheduler and a kubelet); without it the server is
//! kube-apiserver alone.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use client_testserver::TestServer;

const USAGE: &str = "usage: client-testserver [--listen ADDR] [--kubeconfig-out PATH] [--plain-http] [--token TOKEN] [--no-auth] [--simulate [--nodes N]]";

struct Args {
    listen: SocketAddr,
    kubeconfig_out: Option<String>,
    plain_http: bool,
    token: Option<String>,
    no_auth: bool,
    simulate: bool,
    nodes: Option<usize>,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        kubeconfig_out: None,
        plain_http: false,
        token: None,
        no_auth: false,
        simulate: false,
        nodes: None,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--listen" => {
                let v = value("--listen")?;
                a.listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
            }
            "--kubeconfig-out" => a.kubeconfig_out = Some(value("--kubeconfig-out")?),
            "--token" => a.token = Some(value("--token")?),
            "--plain-http" => a.plain_http = true,
            "--no-auth" => a.no_auth = true,
            "--simulate" => a.simulate = true,
            "--nodes" => {
                let v = value("--nodes")?;
                a.nodes = Some(v.parse().map_err(|e| format!("--nodes {v}: {e}"))?);
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if a.nodes.is_some() && !a.simulate {
        return Err(format!("--nodes needs --simulate\n{USAGE}"));
    }
    Ok(a)
}

async fn run(args: Args) -> Result<(), String> {
    let mut b = TestServer::builder().listen(args.listen);
    if args.plain_http {
        b = b.plain_http();
    }
    if let Some(t) = args.token.clone() {
        b = b.token(t);
    }
    // kubectl never sends a bearer token over plain HTTP, so a plain-HTTP
    // server without an explicit token accepts anonymous requests.
    if args.no_auth || (args.plain_http && args.token.is_none()) {
        b = b.no_auth();
    }
    if args.simulate {
        let mut sim = client_testserver::Simulation::default();
        if let Some(n) = args.nodes {
            sim = sim.nodes(n);
        }
        b = b.simulate(sim);
    }
    let server = b.start().await.map_err(|e| e.to_string())?;
    if let Some(path) = &args.kubeconfig_out {
        server
            .write_kubeconfig(path)
            .map_err(|e| format!("writing {path}: {e}"))?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", server.url()).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    drop(server);
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client-testserver: {e}");
            ExitCode::FAILURE
        }
    }
}
