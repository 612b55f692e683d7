//! The canned API server both sides talk to: plain HTTP/1.1 on loopback, one
//! thread per connection, serving the fixture's ConfigMaps at
//! `/api/v1/namespaces/bench/configmaps`: list pages (`limit`, `continue`)
//! and a watch of `<events>` MODIFIED events, then an idle stream.
//!
//! Usage: `canned-server <events>`. Prints `LISTENING <url>` once bound;
//! exits when its stdin closes (its parent is gone).

use std::io::{BufReader, BufWriter, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use peers::BenchError;
use peers::fixture::{self, Template};
use peers::http::{self, Chunked, Target};

/// The collection path both clients list and watch.
const COLLECTION: &str = "/api/v1/namespaces/bench/configmaps";
/// How many bytes of events go into one chunk.
const CHUNK_BYTES: usize = 64 * 1024;
/// How long a finished watch stays open (idle) before the server ends it.
const IDLE_AFTER_EVENTS: Duration = Duration::from_secs(120);

fn main() -> Result<(), BenchError> {
    let events: u64 = std::env::args()
        .nth(1)
        .ok_or_else(|| BenchError::Args("usage: canned-server <events>".to_owned()))?
        .parse()
        .map_err(|e| BenchError::Args(format!("events: {e}")))?;
    let templates: Arc<[Template]> = fixture::templates().into();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("LISTENING http://{}", listener.local_addr()?);
    std::thread::spawn(|| {
        // The parent holds our stdin; EOF means it is gone.
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    for stream in listener.incoming() {
        let stream = stream?;
        let templates = Arc::clone(&templates);
        std::thread::spawn(move || {
            if let Err(e) = serve(stream, &templates, events) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}

/// Answers requests on one connection until the peer closes it.
fn serve(stream: TcpStream, templates: &[Template], events: u64) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    while let Some(target) = http::read_request(&mut reader)? {
        let mut out = BufWriter::with_capacity(CHUNK_BYTES, stream.try_clone()?);
        if target.path != COLLECTION {
            http::write_json(&mut out, "404 Not Found", not_found(&target).as_bytes())?;
        } else if matches!(target.param("watch"), Some("true" | "1")) {
            return watch(out, templates, events);
        } else {
            let number = |name: &str| {
                target
                    .param(name)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let body = fixture::list_page(templates, number("continue"), number("limit"));
            http::write_json(&mut out, "200 OK", &body)?;
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

/// A Status for any other path (neither client asks for one).
fn not_found(target: &Target) -> String {
    format!(
        r#"{{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"the canned server serves only {COLLECTION}, not {}","reason":"NotFound","code":404}}"#,
        target.path
    )
}
