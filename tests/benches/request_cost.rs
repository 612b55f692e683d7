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
//! The `watch` workload is one watch request whose answer is `N` `MODIFIED`
//! events of a ~1.2 KB `Widget`, sent in chunked transfer encoding with
//! 64 KiB chunks (events cross chunk boundaries). The client reads it as
//! `TypedClient::watch`'s stream; the floor frames the body on `\n` with
//! `memchr` (an event whole inside one data frame is not copied), checks
//! each line as UTF-8 once and decodes it with `serde_json::from_str` into
//! a plain event struct holding the same `Widget`.
//!
//! Usage: `request_cost <client|floor> <get|post|watch> <N>` (N requests, or
//! N watch events); without arguments, every side and workload, wall time
//! printed (a smoke check; wall time on a shared machine is not the
//! measurement), and for the watch the reading task's wake-ups per event. Instructions per request are the
//! difference between two runs (N = 200 and N = 2200) divided by 2000, per
//! event (N = 1000 and N = 11000) divided by 10000, which cancels start-up
//! and the first connection: `docs/performance.md` has the commands and
//! figures.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::{Buf, Bytes};
use client_core::{
    Config, CreateOptions, GetOptions, ListOptions, ObjectMeta, Resource, RestClient, TypedClient,
    WatchEvent, WithTypeMeta,
};
use futures_util::StreamExt;
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

/// The watched object: the small `Widget` grown to about 1.2 KB as served
/// (annotations and a longer environment), at resourceVersion `rv`.
fn watched_widget(rv: usize) -> Widget {
    let mut w = widget("w-1");
    w.metadata.uid = Some("0f6c9a1e-5a8b-4f3e-9d7c-2b1a0e9f8c7d".to_owned());
    w.metadata.resource_version = Some(rv.to_string());
    w.metadata.generation = Some(1);
    w.metadata.annotations = BTreeMap::from([
        (
            "example.com/owner".to_owned(),
            "team-platform@example.com".to_owned(),
        ),
        (
            "example.com/description".to_owned(),
            "A widget that the request-cost benchmark watches change, again and again.".to_owned(),
        ),
    ]);
    for i in 0..14 {
        w.spec.env.insert(
            format!("SETTING_{i:02}"),
            format!("value-{i:02}-abcdefghijklmnop"),
        );
    }
    w
}

/// One watch event line (with its newline): `MODIFIED` of [`watched_widget`].
fn watch_line(rv: usize) -> Vec<u8> {
    let mut object = serde_json::to_value(WithTypeMeta(&watched_widget(rv))).unwrap();
    object["metadata"]["creationTimestamp"] = "2026-12-03T07:00:00Z".into();
    // `type` first, as the API server writes it (a `json!` map would sort
    // `object` first).
    let mut line = b"{\"type\":\"MODIFIED\",\"object\":".to_vec();
    serde_json::to_writer(&mut line, &object).unwrap();
    line.extend_from_slice(b"}\n");
    line
}

/// The chunk size of the watch answer's transfer encoding.
const WATCH_CHUNK: usize = 64 * 1024;

/// The whole watch answer: head, then `events` lines in 64 KiB chunks,
/// resourceVersions 100000 and up. Built from one line whose six digits are
/// rewritten per event, so that the server's allocations do not grow with
/// `events` (an allocation profile of the process is then the client's).
fn watch_answer(events: usize) -> Vec<u8> {
    let template = watch_line(100_000);
    let digits = template
        .windows(8)
        .position(|w| w == b"\"100000\"")
        .unwrap()
        + 1;
    let mut body = Vec::with_capacity(template.len() * events);
    for i in 0..events {
        let start = body.len() + digits;
        body.extend_from_slice(&template);
        let rv = 100_000 + i % 900_000;
        body[start..start + 6].copy_from_slice(rv.to_string().as_bytes());
    }
    let mut answer =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    for chunk in body.chunks(WATCH_CHUNK) {
        answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        answer.extend_from_slice(chunk);
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"0\r\n\r\n");
    answer
}

// ---------------------------------------------------------------- server

/// A fixed answer with `body` and its `Content-Length`.
fn plain_answer(body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// Starts the canned HTTP/1.1 server; every request gets the answer that
/// `answer` builds (on the server's thread, so that building a large watch
/// body is not counted as the client's work).
fn start_server(answer: impl FnOnce() -> Vec<u8> + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::Builder::new()
        .name("canned-server".to_owned())
        .spawn(move || {
            let answer = answer();
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
    /// One watch of `N` events.
    Watch,
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
    if verb == Verb::Watch {
        let mut events = widgets.watch(&ListOptions::default()).await.unwrap();
        while let Some(event) = events.next().await {
            match event.unwrap() {
                WatchEvent::Modified(w) => replicas += w.spec.replicas as usize,
                other => panic!("expected MODIFIED, got {:?}", other.event_type()),
            }
        }
        return replicas;
    }
    for i in 0..n {
        let got = match verb {
            Verb::Get => widgets.get(&name(i), &GetOptions::default()).await,
            Verb::Post => widgets.create(&object, &CreateOptions::default()).await,
            Verb::Watch => unreachable!("handled above"),
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
    if verb == Verb::Watch {
        return floor_watch(&http, &base).await;
    }
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
            Verb::Watch => unreachable!("handled above"),
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

/// A watch event as the floor decodes it: the type borrowed, the object typed.
#[derive(Deserialize)]
struct FloorEvent<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    object: Widget,
}

/// The floor's watch: frames on `\n` with memchr, a line whole inside one
/// data frame is decoded in place, a line crossing frames is joined in one
/// buffer; each line is checked as UTF-8 once, then `from_str`.
async fn floor_watch(http: &HyperClient<HttpConnector, Full<Bytes>>, base: &str) -> usize {
    let request = http::Request::get(format!("{base}?watch=true"))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(USER_AGENT, HeaderValue::from_static(AGENT))
        .header(AUTHORIZATION, HeaderValue::from_static(BEARER))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = http.request(request).await.unwrap();
    assert!(response.status().is_success());
    let mut body = response.into_body();
    let mut partial: Vec<u8> = Vec::new();
    let mut replicas = 0;
    let mut decode = |line: &[u8]| {
        let text = std::str::from_utf8(line).unwrap();
        let event: FloorEvent<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(event.kind, "MODIFIED");
        replicas += event.object.spec.replicas as usize;
    };
    while let Some(frame) = body.frame().await {
        let Ok(mut data) = frame.unwrap().into_data() else {
            continue;
        };
        if !partial.is_empty() {
            let Some(end) = memchr::memchr(b'\n', &data) else {
                partial.extend_from_slice(&data);
                continue;
            };
            partial.extend_from_slice(&data[..end]);
            decode(&partial);
            partial.clear();
            data.advance(end + 1);
        }
        let mut rest = &data[..];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            decode(&rest[..end]);
            rest = &rest[end + 1..];
        }
        partial.extend_from_slice(rest);
    }
    assert!(partial.is_empty(), "the watch ended inside an event");
    replicas
}

fn name(i: usize) -> String {
    format!("w-{}", i % 64)
}

/// Counts the polls of the future it wraps (the task's wake-ups).
struct CountPolls<F> {
    inner: Pin<Box<F>>,
    polls: usize,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = (F::Output, usize);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.polls += 1;
        let polls = self.polls;
        self.inner.as_mut().poll(cx).map(|out| (out, polls))
    }
}

/// What one run saw: the replicas summed over every answer and the main
/// task's polls.
struct Outcome {
    replicas: usize,
    polls: usize,
}

fn run(side: &str, verb: Verb, n: usize) -> Outcome {
    let addr = match verb {
        Verb::Watch => start_server(move || watch_answer(n)),
        Verb::Get | Verb::Post => start_server(|| plain_answer(&served_body())),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (replicas, polls) = runtime.block_on(async {
        match side {
            "client" => {
                CountPolls {
                    inner: Box::pin(run_client(addr, verb, n)),
                    polls: 0,
                }
                .await
            }
            "floor" => {
                CountPolls {
                    inner: Box::pin(run_floor(addr, verb, n)),
                    polls: 0,
                }
                .await
            }
            other => panic!("side {other:?}: expected client or floor"),
        }
    });
    Outcome { replicas, polls }
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
            "watch" => Verb::Watch,
            other => panic!("verb {other:?}: expected get, post or watch"),
        };
        let n: usize = n.parse().expect("N: a number of requests or events");
        assert_eq!(run(side, verb, n).replicas, 3 * n);
        return;
    }
    let n = 2000;
    for verb in [Verb::Get, Verb::Post] {
        for side in ["floor", "client"] {
            let started = Instant::now();
            assert_eq!(run(side, verb, n).replicas, 3 * n);
            let per = started.elapsed() / n as u32;
            println!("{side:>6} {verb:?}: {per:?} per request (wall, {n} requests)");
        }
    }
    let line = watch_line(100_000).len();
    println!("watch: events of {line} bytes in {WATCH_CHUNK}-byte chunks");
    let (small, large) = (1000, 11_000);
    for side in ["floor", "client"] {
        let started = Instant::now();
        let a = run(side, Verb::Watch, small);
        let b = run(side, Verb::Watch, large);
        assert_eq!((a.replicas, b.replicas), (3 * small, 3 * large));
        let events = (large - small) as f64;
        println!(
            "{side:>6} watch: {:?} per event (wall, {} events); {:.3} wake-ups of the reading task per event",
            started.elapsed() / (small + large) as u32,
            small + large,
            (b.polls - a.polls) as f64 / events,
        );
    }
}
