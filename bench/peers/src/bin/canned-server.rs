//! The canned API server every side talks to: plain HTTP/1.1 on loopback,
//! one thread per connection, serving the fixture's ConfigMaps at
//! `/api/v1/namespaces/bench/configmaps`: list pages (`limit`, `continue`),
//! a watch of `<events>` MODIFIED events then an idle stream, GETs of one
//! object by name, and POSTs answered 201 with the posted object.
//!
//! Usage: `canned-server <events> [objects]` (objects: 10000 unless given).
//! Prints `LISTENING <url>` once bound; exits when its stdin closes (its
//! parent is gone).

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use peers::BenchError;
use peers::fixture::{self, Template};
use peers::http::{self, Chunked, Target};

/// The collection path every client lists, watches and creates in.
const COLLECTION: &str = "/api/v1/namespaces/bench/configmaps";
/// How many bytes of events go into one chunk.
const CHUNK_BYTES: usize = 64 * 1024;
/// How long a finished watch stays open (idle) before the server ends it.
const IDLE_AFTER_EVENTS: Duration = Duration::from_secs(120);

/// List page bodies by `(offset, limit)`.
type PageCache = HashMap<(usize, usize), Arc<Vec<u8>>>;

/// What every connection serves from: the objects, the watch's length, and
/// the list pages rendered so far (each rendered once, then reused, so the
/// server's own cost stays small and the same for every client).
struct Canned {
    templates: Vec<Template>,
    events: u64,
    pages: Mutex<PageCache>,
}

impl Canned {
    /// The list page at `offset` of at most `limit` objects (0: all).
    fn page(&self, offset: usize, limit: usize) -> Arc<Vec<u8>> {
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            pages
                .entry((offset, limit))
                .or_insert_with(|| Arc::new(fixture::list_page(&self.templates, offset, limit))),
        )
    }
}

fn main() -> Result<(), BenchError> {
    let usage = || BenchError::Args("usage: canned-server <events> [objects]".to_owned());
    let mut args = std::env::args().skip(1);
    let events: u64 = args
        .next()
        .ok_or_else(usage)?
        .parse()
        .map_err(|e| BenchError::Args(format!("events: {e}")))?;
    let objects: usize = match args.next() {
        Some(n) => n
            .parse()
            .map_err(|e| BenchError::Args(format!("objects: {e}")))?,
        None => fixture::OBJECTS,
    };
    let canned = Arc::new(Canned {
        templates: fixture::templates_of(objects),
        events,
        pages: Mutex::new(HashMap::new()),
    });
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("LISTENING http://{}", listener.local_addr()?);
    std::thread::spawn(|| {
        // The parent holds our stdin; EOF means it is gone.
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    for stream in listener.incoming() {
        let stream = stream?;
        let canned = Arc::clone(&canned);
        std::thread::spawn(move || {
            if let Err(e) = serve(stream, &canned) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}

/// Answers requests on one connection until the peer closes it.
fn serve(stream: TcpStream, canned: &Canned) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    while let Some(target) = http::read_request(&mut reader)? {
        let mut out = BufWriter::with_capacity(CHUNK_BYTES, stream.try_clone()?);
        let item = target
            .path
            .strip_prefix(COLLECTION)
            .and_then(|rest| rest.strip_prefix('/'));
        match (target.method.as_str(), target.path == COLLECTION, item) {
            ("GET", true, _) if matches!(target.param("watch"), Some("true" | "1")) => {
                return watch(out, &canned.templates, canned.events);
            }
            ("GET", true, _) => {
                let number = |name: &str| {
                    target
                        .param(name)
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0)
                };
                let body = canned.page(number("continue"), number("limit"));
                http::write_json(&mut out, "200 OK", &body)?;
            }
            ("POST", true, _) => http::write_json(&mut out, "201 Created", &target.body)?,
            ("GET", false, Some(name)) => {
                match fixture::object_number(name, canned.templates.len())
                    .and_then(|i| Some((i, canned.templates.get(i)?)))
                {
                    Some((i, template)) => {
                        let mut body = Vec::with_capacity(1400);
                        template.render_into(i as u64 + 1, &mut body);
                        http::write_json(&mut out, "200 OK", &body)?;
                    }
                    None => {
                        http::write_json(&mut out, "404 Not Found", not_found(name).as_bytes())?
                    }
                }
            }
            _ => http::write_json(
                &mut out,
                "405 Method Not Allowed",
                not_served(&target).as_bytes(),
            )?,
        }
    }
    Ok(())
}

/// Streams `events` watch events, then holds the stream open, idle.
fn watch(out: impl std::io::Write, templates: &[Template], events: u64) -> std::io::Result<()> {
    let mut stream = Chunked::start(out)?;
    let mut buf = Vec::with_capacity(CHUNK_BYTES + 2048);
    for n in 0..events {
        fixture::watch_event(templates, n, &mut buf);
        if buf.len() >= CHUNK_BYTES {
            stream.chunk(&buf)?;
            buf.clear();
        }
    }
    stream.chunk(&buf)?;
    std::thread::sleep(IDLE_AFTER_EVENTS);
    stream.finish()
}

/// kube-apiserver's Status for a GET of a ConfigMap that does not exist
/// (`NewNotFound`: `<resource> "<name>" not found`).
fn not_found(name: &str) -> String {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": format!("configmaps \"{name}\" not found"),
        "reason": "NotFound", "details": {"name": name, "kind": "configmaps"}, "code": 404,
    })
    .to_string()
}

/// A Status for anything else (no client asks for it).
fn not_served(target: &Target) -> String {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": format!(
            "the canned server serves only GET, watch and POST of {COLLECTION}, not {} {}",
            target.method, target.path
        ),
        "reason": "MethodNotAllowed", "code": 405,
    })
    .to_string()
}
