//! The accept loop: TCP (and TLS) connections served by hyper, HTTP/1.1
//! and HTTP/2, each bounded in time and in number as kube-apiserver's
//! `http.Server` bounds them: a complete first request header within
//! `header_timeout` (Go's `ReadHeaderTimeout`, 32 s), no longer than
//! `idle_timeout` without a request in flight (`IdleTimeout`, 90 s; it
//! also ends a later keep-alive request whose header stalls), and at most
//! `max_connections` at once.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

use crate::http::body::Body;
use crate::http::handlers::handle;
use crate::http::state::State;

/// The time and number bounds of the server's connections.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionLimits {
    /// A connection must send a complete request header within this.
    pub header_timeout: Duration,
    /// A connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(32),
            idle_timeout: Duration::from_secs(90),
            max_connections: 5_000,
        }
    }
}

/// Accepts connections until the task is aborted (the server dropped).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    limits: ConnectionLimits,
) {
    let limits = Arc::new(limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => {
                let Ok((stream, _)) = r else {
                    // Out of descriptors or a transient error: do not spin a core.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                // Past the cap the connection is closed at once: the server
                // keeps serving the ones it has.
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (tls, state, limits) = (tls.clone(), state.clone(), limits.clone());
                conns.spawn(async move {
                    connection(stream, tls, state, &limits).await;
                    drop(slot);
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// What the watchdog of one connection reads: requests in flight, and
/// when the last one ended.
struct Activity {
    in_flight: AtomicUsize,
    served_any: AtomicBool,
    last_done: Mutex<Instant>,
}

impl Activity {
    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.served_any.store(true, Ordering::Release);
        InFlight(self.clone())
    }

    /// Why the connection must close now, if it must.
    fn expired(&self, accepted: Instant, limits: &ConnectionLimits) -> bool {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return false;
        }
        if !self.served_any.load(Ordering::Acquire) {
            return accepted.elapsed() >= limits.header_timeout;
        }
        let last = *self.last_done.lock().unwrap_or_else(|e| e.into_inner());
        last.elapsed() >= limits.idle_timeout
    }
}

/// One request in flight; its end is when its response body is dropped.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        *self.0.last_done.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its request counted as in flight (a watch
/// stream is never idle) until hyper drops it.
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    limits: &ConnectionLimits,
) {
    let accepted = Instant::now();
    let activity = Arc::new(Activity {
        in_flight: AtomicUsize::new(0),
        served_any: AtomicBool::new(false),
        last_done: Mutex::new(accepted),
    });
    let serve = async {
        match tls {
            Some(acceptor) => {
                let Ok(s) = acceptor.accept(stream).await else {
                    return;
                };
                let peer = s
                    .get_ref()
                    .1
                    .peer_certificates()
                    .is_some_and(|c| !c.is_empty());
                serve_io(TokioIo::new(s), state, peer, &activity).await;
            }
            None => serve_io(TokioIo::new(stream), state, false, &activity).await,
        }
    };
    // The watchdog: closing is dropping the connection's future.
    let tick = (limits.header_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(10), Duration::from_secs(1));
    let watchdog = async {
        loop {
            tokio::time::sleep(tick).await;
            if activity.expired(accepted, limits) {
                return;
            }
        }
    };
    tokio::select! {
        () = serve => {}
        () = watchdog => {}
    }
}

async fn serve_io<I>(io: TokioIo<I>, state: Arc<State>, peer: bool, activity: &Arc<Activity>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let activity = activity.clone();
    let svc = hyper::service::service_fn(move |req| {
        let st = state.clone();
        let in_flight = activity.begin();
        async move {
            let (parts, body) = handle(st, req, peer).await.into_parts();
            let body = Tracked {
                body,
                _in_flight: in_flight,
            };
            Ok::<_, Infallible>(http::Response::from_parts(parts, body))
        }
    });
    // hyper's own header timeout is left off: it also runs while a
    // keep-alive connection waits for its next request, where Go (and so
    // kube-apiserver) applies the idle timeout. The watchdog applies both.
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(io, svc)
        .await;
}
