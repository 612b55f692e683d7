//! A tiny HTTP/1.1 client over any byte stream: enough to assert exact
//! codes, headers and bodies, and to read watch streams line by line.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Hard limit for any single request in the tests.
pub const LIMIT: Duration = Duration::from_secs(10);

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn write_request(
    io: &mut (impl AsyncWrite + Unpin),
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    io.write_all(head.as_bytes()).await.unwrap();
    io.write_all(body).await.unwrap();
    io.flush().await.unwrap();
}

async fn read_head<R: AsyncBufReadExt + Unpin>(r: &mut R) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    r.read_line(&mut line).await.unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("bad status line {line:?}"))
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        r.read_line(&mut l).await.unwrap();
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    (status, headers)
}

fn is_chunked(headers: &[(String, String)]) -> bool {
    headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
}

/// Reads one chunk; `None` at the end of the body.
async fn read_chunk<R: AsyncBufReadExt + Unpin>(r: &mut R) -> Option<Vec<u8>> {
    let mut size = String::new();
    if r.read_line(&mut size).await.ok()? == 0 {
        return None;
    }
    let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
    if n == 0 {
        return None;
    }
    let mut buf = vec![0; n + 2];
    r.read_exact(&mut buf).await.ok()?;
    buf.truncate(n);
    Some(buf)
}

pub async fn request_on(
    io: impl Io,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let fut = async {
        let mut r = BufReader::new(io);
        write_request(r.get_mut(), method, path, headers, body).await;
        let (status, headers) = read_head(&mut r).await;
        let mut body = Vec::new();
        if is_chunked(&headers) {
            while let Some(c) = read_chunk(&mut r).await {
                body.extend(c);
            }
        } else {
            let _ = r.read_to_end(&mut body).await;
        }
        Resp {
            status,
            headers,
            body,
        }
    };
    tokio::time::timeout(LIMIT, fut)
        .await
        .unwrap_or_else(|_| panic!("{method} {path} timed out"))
}

/// A client bound to one plain-HTTP server.
#[derive(Clone)]
pub struct Client {
    pub addr: std::net::SocketAddr,
    pub token: Option<String>,
}

impl Client {
    pub fn new(server: &client_testserver::TestServer) -> Client {
        Client {
            addr: server.addr(),
            token: server.token().map(str::to_string),
        }
    }

    pub async fn send(&self, method: &str, path: &str, ctype: Option<&str>, body: &[u8]) -> Resp {
        self.send_with(method, path, ctype, body, &[]).await
    }

    pub async fn send_with(
        &self,
        method: &str,
        path: &str,
        ctype: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Resp {
        let io = TcpStream::connect(self.addr).await.unwrap();
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut h: Vec<(&str, &str)> = extra.to_vec();
        if let Some(a) = &auth {
            h.push(("Authorization", a));
        }
        if let Some(c) = ctype {
            h.push(("Content-Type", c));
        }
        request_on(io, method, path, &h, body).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, b"").await
    }
    pub async fn get_owned(&self, path: String) -> Resp {
        self.get(&path).await
    }
    pub async fn post(&self, path: &str, v: &Value) -> Resp {
        self.send(
            "POST",
            path,
            Some("application/json"),
            v.to_string().as_bytes(),
        )
        .await
    }
    pub async fn put(&self, path: &str, v: &Value) -> Resp {
        self.send(
            "PUT",
            path,
            Some("application/json"),
            v.to_string().as_bytes(),
        )
        .await
    }
    pub async fn patch(&self, path: &str, ctype: &str, v: &Value) -> Resp {
        self.send("PATCH", path, Some(ctype), v.to_string().as_bytes())
            .await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, b"").await
    }

    pub async fn watch(&self, path: &str) -> Watch {
        self.watch_with(path, &[]).await
    }

    pub async fn watch_with(&self, path: &str, extra: &[(&str, &str)]) -> Watch {
        let io = TcpStream::connect(self.addr).await.unwrap();
        let mut r = BufReader::new(io);
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut h: Vec<(&str, &str)> = extra.to_vec();
        if let Some(a) = &auth {
            h.push(("Authorization", a));
        }
        tokio::time::timeout(LIMIT, async {
            write_request(r.get_mut(), "GET", path, &h, b"").await;
            let (status, headers) = read_head(&mut r).await;
            Watch {
                status,
                headers,
                reader: r,
                pending: Vec::new(),
            }
        })
        .await
        .expect("watch start timed out")
    }
}

/// A watch stream.
pub struct Watch {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
    pending: Vec<u8>,
}

impl Watch {
    /// The next event, `None` when the stream ended (or broke); panics
    /// after `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        tokio::time::timeout(wait, async {
            loop {
                if let Some(pos) = self.pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = self.pending.drain(..=pos).collect();
                    return Some(serde_json::from_slice(&line).unwrap());
                }
                let chunk = read_chunk(&mut self.reader).await?;
                self.pending.extend(chunk);
            }
        })
        .await
        .expect("no watch event in time")
    }

    pub async fn next(&mut self) -> Option<Value> {
        self.next_within(LIMIT).await
    }

    /// Asserts nothing arrives for `d`.
    pub async fn quiet_for(&mut self, d: Duration) {
        let r = tokio::time::timeout(d, async {
            loop {
                if self.pending.contains(&b'\n') {
                    return;
                }
                match read_chunk(&mut self.reader).await {
                    Some(c) => self.pending.extend(c),
                    None => return,
                }
            }
        })
        .await;
        assert!(
            r.is_err(),
            "unexpected event: {}",
            String::from_utf8_lossy(&self.pending)
        );
    }
}
