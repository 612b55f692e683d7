//! The accept loop: TCP (and TLS) connections served by hyper, HTTP/1.1
//! and HTTP/2.

use std::convert::Infallible;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::http::handlers::handle;
use crate::http::state::State;

/// Accepts connections until the task is aborted (the server dropped).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => {
                let Ok((stream, _)) = r else {
                    // Out of descriptors or a transient error: do not spin a core.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                conns.spawn(connection(stream, tls.clone(), state.clone()));
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, tls: Option<TlsAcceptor>, state: Arc<State>) {
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
            serve_io(TokioIo::new(s), state, peer).await;
        }
        None => serve_io(TokioIo::new(stream), state, false).await,
    }
}

async fn serve_io<I>(io: TokioIo<I>, state: Arc<State>, peer: bool)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req| {
        let st = state.clone();
        async move { Ok::<_, Infallible>(handle(st, req, peer).await) }
    });
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(io, svc)
        .await;
}
