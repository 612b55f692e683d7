//! The client's per-request cost against the raw floor, in instructions.
//!
//! One binary, one side and one verb per run: `N` sequential GETs or POSTs
//! of a small object, over HTTP/1.1 on loopback, to a canned server on
//! another thread of this process that answers every request with the same
//! bytes (no parsing beyond the head and `Content-Length`, no JSON). The
//! client side runs on a current-thread tokio runtime on the main thread, so
//! under `valgrind --tool=callgrind --separate-threads=yes` the main
//! thread's count is the client's cost alone.
//!
//! Sides:
//! - `client`: `TypedClient<Widget>` over a `RestClient` (rate limit off);
//! - `floor`: hyper 1 with hyper-util's pooled legacy client (HTTP/1.1 only),
//!   the same headers (`Accept`, `User-Agent`, a bearer `Authorization`,
//!   `Content-Type` on a POST), the
//!   body checked as UTF-8 once and decoded with `serde_json::from_str`
//!   into the same `Widget`; a POST sends `serde_json::to_vec` of the same
//!   `WithTypeMeta` body.
//!
//! Usage: `request_cost <client|floor> <get|post> <N>`; without arguments,
//! every side and verb with N = 2000, wall time printed (a smoke check; wall
//! time on a shared machine is not the measurement). Instructions per
//! request are the difference between two runs (N = 200 and N = 2200)
//! divided by 2000, which cancels start-up and the first connection:
//! `docs/performance.md` has the commands and figures.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Instant;

use bytes::Bytes;
use client_core::{
    Config, CreateOptions, GetOptions, ObjectMeta, Resource, RestClient, TypedClient, WithTypeMeta,
};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};

const NAMESPACE: &str = "bench";
const AGENT: &str = "request-cost-bench/0.1";
const TOKEN: &str = "request-cost-token";
const BEARER: &str = "Bearer request-cost-token";

/// A small custom resource (about 450 bytes as served).
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "bench.example.com", version = "v1", namespaced)]
pub struct Widget {
    pub metadata: ObjectMeta,
    pub spec: WidgetSpec,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetSpec {
    pub replicas: u32,
    pub image: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

fn widget(name: &str) -> Widget {
    Widget {
        metadata: ObjectMeta::named(name)
            .in_namespace(NAMESPACE)
            .with_label("app.kubernetes.io/name", "widget")
            .with_label("team", "platform"),
        spec: WidgetSpec {
            replicas: 3,
            image: "registry.example.com/widget:1.4.2".to_owned(),
            args: vec!["--verbose".to_owned(), "--port=8080".to_owned()],
            env: BTreeMap::from([
                ("MODE".to_owned(), "fast".to_owned()),
                ("REGION".to_owned(), "eu-west-1".to_owned()),
            ]),
        },
    }
}

/// The object as the canned server sends it (server-set metadata included).
fn served_body() -> Vec<u8> {
    let mut w = widget("w-1");
    w.metadata.uid = Some("0f6c9a1e-5a8b-4f3e-9d7c-2b1a0e9f8c7d".to_owned());
    w.metadata.resource_version = Some("12345".to_owned());
    w.metadata.generation = Some(1);
    let mut value = serde_json::to_value(WithTypeMeta(&w)).unwrap();
    value["metadata"]["creationTimestamp"] = "2026-12-03T07:00:00Z".into();
    serde_json::to_vec(&value).unwrap()
}

// ---------------------------------------------------------------- server

/// Starts the canned HTTP/1.1 server; every request gets `200` with `body`.
fn start_server(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    std::thread::Builder::new()
        .name("canned-server".to_owned())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let answer = answer.clone();
                std::thread::spawn(move || serve(stream, &answer));
            }
        })
        .unwrap();
    addr
}

/// Answers every request on one connection with `answer`, until it closes.
fn serve(mut stream: TcpStream, answer: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // One request: the head, then `Content-Length` bytes of body.
        let (head_end, body_len) = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break (end + 4, content_length(&buf[..end]));
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        while buf.len() < head_end + body_len {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + body_len);
        if stream.write_all(answer).is_err() {
            return;
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------- sides

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verb {
    Get,
    Post,
}

/// The client under test.
async fn run_client(addr: SocketAddr, verb: Verb, n: usize) -> usize {
    let mut config = Config::new(format!("http://{addr}").parse().unwrap());
    config.user_agent = Some(AGENT.to_owned());
    config.auth.token = Some(TOKEN.to_owned().into());
    let rest = RestClient::builder(config).no_rate_limit().build().unwrap();
    let widgets: TypedClient<Widget> = TypedClient::namespaced(rest, NAMESPACE);
    let object = widget("w-1");
    let mut replicas = 0;
    for i in 0..n {
        let got = match verb {
            Verb::Get => widgets.get(&name(i), &GetOptions::default()).await,
            Verb::Post => widgets.create(&object, &CreateOptions::default()).await,
        };
        replicas += got.unwrap().spec.replicas as usize;
    }
    replicas
}

/// The floor: hyper-util's pooled legacy client and serde_json.
async fn run_floor(addr: SocketAddr, verb: Verb, n: usize) -> usize {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let http: HyperClient<HttpConnector, Full<Bytes>> =
        HyperClient::builder(TokioExecutor::new()).build(connector);
    let object = widget("w-1");
    let base = format!("http://{addr}/apis/bench.example.com/v1/namespaces/{NAMESPACE}/widgets");
    let mut replicas = 0;
    for i in 0..n {
        let request = match verb {
            Verb::Get => http::Request::get(format!("{base}/{}", name(i)))
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(USER_AGENT, HeaderValue::from_static(AGENT))
                .header(AUTHORIZATION, HeaderValue::from_static(BEARER))
                .body(Full::new(Bytes::new())),
            Verb::Post => http::Request::post(base.as_str())
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(USER_AGENT, HeaderValue::from_static(AGENT))
                .header(AUTHORIZATION, HeaderValue::from_static(BEARER))
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(Full::new(Bytes::from(
                    serde_json::to_vec(&WithTypeMeta(&object)).unwrap(),
                ))),
        }
        .unwrap();
        let response = http.request(request).await.unwrap();
        assert!(response.status().is_success());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = std::str::from_utf8(&body).unwrap();
        let got: Widget = serde_json::from_str(text).unwrap();
        replicas += got.spec.replicas as usize;
    }
    replicas
}

fn name(i: usize) -> String {
    format!("w-{}", i % 64)
}

fn run(side: &str, verb: Verb, n: usize) -> usize {
    let addr = start_server(served_body());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        match side {
            "client" => run_client(addr, verb, n).await,
            "floor" => run_floor(addr, verb, n).await,
            other => panic!("side {other:?}: expected client or floor"),
        }
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`: treat it as "no arguments".
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let [side, verb, n] = args[..] {
        let verb = match verb {
            "get" => Verb::Get,
            "post" => Verb::Post,
            other => panic!("verb {other:?}: expected get or post"),
        };
        let n: usize = n.parse().expect("N: a number of requests");
        let replicas = run(side, verb, n);
        assert_eq!(replicas, 3 * n);
        return;
    }
    let n = 2000;
    for verb in [Verb::Get, Verb::Post] {
        for side in ["floor", "client"] {
            let started = Instant::now();
            let replicas = run(side, verb, n);
            assert_eq!(replicas, 3 * n);
            let per = started.elapsed() / n as u32;
            println!("{side:>6} {verb:?}: {per:?} per request (wall, {n} requests)");
        }
    }
}
