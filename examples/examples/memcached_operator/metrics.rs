//! The operator's metrics: the work queue's (client-go's `workqueue_*`
//! names) and `leader_election_master_status` (client-go's leader gauge),
//! served for Prometheus on `--metrics-addr`.
//!
//! The HTTP side is deliberately tiny: one request per connection, `GET
//! /metrics` answered with the OpenMetrics text, anything else 404, each
//! request's head bounded in size and time.

use std::sync::Arc;
use std::time::Duration;

use client_runtime::CancellationToken;
use client_runtime::workqueue::QueueMetrics;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The largest request head read.
const MAX_HEAD: usize = 8 * 1024;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// The Content-Type of prometheus-client's text encoding.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The label of the leader gauge: the Lease's name.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LeaseLabel {
    name: String,
}

/// Every metric of one replica.
pub struct Metrics {
    /// The registry the HTTP endpoint encodes.
    pub registry: Arc<Registry>,
    /// The controller's work queue metrics.
    pub queue: QueueMetrics,
    leader: Family<LeaseLabel, Gauge>,
}

impl Metrics {
    /// A registry with the queue metrics and the leader gauge.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let queue = QueueMetrics::register(&mut registry);
        let leader = Family::<LeaseLabel, Gauge>::default();
        registry.register(
            "leader_election_master_status",
            "1 while this replica leads the named Lease, else 0",
            leader.clone(),
        );
        Self {
            registry: Arc::new(registry),
            queue,
            leader,
        }
    }

    /// Sets the leader gauge of `lease`.
    pub fn set_leader(&self, lease: &str, leading: bool) {
        self.leader
            .get_or_create(&LeaseLabel {
                name: lease.to_owned(),
            })
            .set(i64::from(leading));
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        encode(&self.registry)
    }
}

fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, registry);
    text
}

/// Serves `registry` on `listener` until `stop` fires.
pub async fn serve(listener: TcpListener, registry: Arc<Registry>, stop: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let registry = Arc::clone(&registry);
                tokio::spawn(async move {
                    // A client that hung up or sent junk gets nothing more.
                    let _ = answer(stream, &registry).await;
                });
            }
            Err(error) => {
                eprintln!("accepting a metrics connection failed: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Reads one request head and answers it.
async fn answer(mut stream: TcpStream, registry: &Registry) -> std::io::Result<()> {
    let head = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream))
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (status, content_type, body) = match (parts.next(), parts.next()) {
        (Some("GET"), Some("/metrics")) => ("200 OK", CONTENT_TYPE, encode(registry)),
        _ => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            "404 page not found\n".to_owned(),
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Reads up to the blank line that ends a request head (at most [`MAX_HEAD`] bytes).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `request` to a fresh endpoint over `metrics`; returns the answer.
    async fn ask(metrics: &Metrics, request: &[u8]) -> std::io::Result<String> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let server = tokio::spawn(serve(listener, Arc::clone(&metrics.registry), stop.clone()));
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(request).await?;
        let mut answer = String::new();
        let read = stream.read_to_string(&mut answer).await;
        stop.cancel();
        let _ = server.await;
        read.map(|_| answer)
    }

    #[tokio::test]
    async fn metrics_are_served_and_other_paths_are_404() -> std::io::Result<()> {
        let limit = Duration::from_secs(10);
        let metrics = Metrics::new();
        metrics.set_leader("memcached-operator", true);
        let get = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        let answer = tokio::time::timeout(limit, ask(&metrics, get)).await??;
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.contains(CONTENT_TYPE), "{answer}");
        assert!(
            answer.contains("leader_election_master_status{name=\"memcached-operator\"} 1\n"),
            "{answer}"
        );
        assert!(answer.ends_with("# EOF\n"), "{answer}");

        let other = b"GET / HTTP/1.1\r\n\r\n";
        let answer = tokio::time::timeout(limit, ask(&metrics, other)).await??;
        assert!(answer.starts_with("HTTP/1.1 404 Not Found\r\n"), "{answer}");

        // A head past the bound is dropped without an answer.
        let mut huge = b"GET /metrics HTTP/1.1\r\nX: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD));
        let answer = tokio::time::timeout(limit, ask(&metrics, &huge)).await?;
        assert!(answer.is_err() || answer.as_deref().is_ok_and(str::is_empty));
        Ok(())
    }
}
