//! A scripted HTTP/1.1 server on loopback for client tests: it records every
//! request and answers from a script, including answers no real server gives
//! on purpose (a connection closed before any answer).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A hard limit for any one test step that waits on the network.
pub const STEP: Duration = Duration::from_secs(20);

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An answer with a body; `chunks` > 1 sends the body chunked in that many pieces.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        chunks: usize,
    },
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            chunks: 1,
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Reply::Answer {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            chunks: 1,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn chunked(mut self, n: usize) -> Self {
        if let Reply::Answer { chunks, .. } = &mut self {
            *chunks = n.max(1);
        }
        self
    }
}

type Responder = Box<dyn FnMut(&Recorded) -> Reply + Send>;

/// The server: its address, the requests it saw, and its script.
pub struct ScriptServer {
    pub url: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptServer {
    /// Answers each request with the next reply of `replies`; the last one repeats.
    pub async fn replies(replies: Vec<Reply>) -> Self {
        let queue = Mutex::new(VecDeque::from(replies));
        Self::start(move |_| {
            let mut q = queue.lock().unwrap();
            if q.len() > 1 {
                q.pop_front().unwrap()
            } else {
                q.front().cloned().unwrap()
            }
        })
        .await
    }

    /// Answers each request with `responder`.
    pub async fn start(responder: impl FnMut(&Recorded) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Mutex<Responder>> = Arc::new(Mutex::new(Box::new(responder)));
        let log2 = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = log2.clone();
                let responder = responder.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, log, responder).await;
                });
            }
        });
        Self { url, log, task }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    log: Arc<Mutex<Vec<Recorded>>>,
    responder: Arc<Mutex<Responder>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (target.clone(), String::new()),
        };
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        buf.drain(..head_end + 4);
        while buf.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body: Vec<u8> = buf.drain(..length).collect();
        let recorded = Recorded {
            method,
            path,
            query,
            headers,
            body,
        };
        log.lock().unwrap().push(recorded.clone());
        let reply = (responder.lock().unwrap())(&recorded);
        match reply {
            Reply::Drop => return Ok(()),
            Reply::Answer {
                status,
                headers,
                body,
                chunks,
            } => {
                let mut out = format!("HTTP/1.1 {status} X\r\n");
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                if chunks <= 1 {
                    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                    stream.write_all(out.as_bytes()).await?;
                    stream.write_all(&body).await?;
                } else {
                    out.push_str("transfer-encoding: chunked\r\n\r\n");
                    stream.write_all(out.as_bytes()).await?;
                    let size = body.len().div_ceil(chunks).max(1);
                    for piece in body.chunks(size) {
                        stream
                            .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                            .await?;
                        stream.write_all(piece).await?;
                        stream.write_all(b"\r\n").await?;
                        stream.flush().await?;
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    stream.write_all(b"0\r\n\r\n").await?;
                }
                stream.flush().await?;
            }
        }
    }
}
