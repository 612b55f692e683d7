//! Just enough HTTP/1.1 for the canned server: read a request (head, and a
//! body sized by `content-length`), answer with a sized body or a chunked
//! stream. Keep-alive; chunked request bodies are refused.

use std::io::{BufRead, Write};

/// A request: its method, target (path and decoded-enough query pairs) and body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// The method, as sent (`GET`, `POST`).
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// `name=value` pairs in order (values are not percent-decoded: the
    /// server only reads numbers and `true`).
    pub query: Vec<(String, String)>,
    /// The body (`content-length` bytes; empty without one).
    pub body: Vec<u8>,
}

impl Target {
    /// The first value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request; `Ok(None)` when the peer closed the connection. A
/// chunked request body is an `InvalidData` error.
pub fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Target>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or("GET").to_owned();
    let target = words.next().unwrap_or("/").to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value
                .parse()
                .map_err(|e| invalid(format!("content-length {value:?}: {e}")))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(invalid(format!(
                "transfer-encoding {value:?}: only sized request bodies"
            )));
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Ok(Some(Target {
        method,
        path: path.to_owned(),
        query,
        body,
    }))
}

/// An `InvalidData` error saying `why`.
fn invalid(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why)
}

/// Writes a complete JSON answer with its length.
pub fn write_json(out: &mut impl Write, status: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

/// A chunked JSON stream (a watch): head first, then [`Chunked::chunk`]s,
/// then [`Chunked::finish`].
pub struct Chunked<W: Write> {
    out: W,
}

impl<W: Write> Chunked<W> {
    /// Writes the head of a 200 chunked answer.
    pub fn start(mut out: W) -> std::io::Result<Self> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        )?;
        Ok(Self { out })
    }

    /// Writes `data` as one chunk (nothing for empty data) and flushes it.
    pub fn chunk(&mut self, data: &[u8]) -> std::io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        write!(self.out, "{:x}\r\n", data.len())?;
        self.out.write_all(data)?;
        self.out.write_all(b"\r\n")?;
        self.out.flush()
    }

    /// Ends the stream with the zero-length chunk.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(b"0\r\n\r\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_path_and_query_and_skips_headers() -> std::io::Result<()> {
        let raw = b"GET /api/v1/namespaces/bench/configmaps?limit=500&watch=true HTTP/1.1\r\nhost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        let mut reader = &raw[..];
        let first = read_request(&mut reader)?;
        let first = first.ok_or_else(|| std::io::Error::other("no request"))?;
        assert_eq!(first.path, "/api/v1/namespaces/bench/configmaps");
        assert_eq!(first.param("limit"), Some("500"));
        assert_eq!(first.param("watch"), Some("true"));
        assert_eq!(first.param("continue"), None);
        let second = read_request(&mut reader)?.map(|t| t.path);
        assert_eq!(second.as_deref(), Some("/b"));
        assert_eq!(read_request(&mut reader)?, None);
        Ok(())
    }

    #[test]
    fn reads_a_sized_body_and_refuses_a_chunked_one() -> std::io::Result<()> {
        let raw = b"POST /c HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /d HTTP/1.1\r\n\r\n";
        let mut reader = &raw[..];
        let post = read_request(&mut reader)?.ok_or_else(|| std::io::Error::other("none"))?;
        assert_eq!(
            (post.method.as_str(), post.body.as_slice()),
            ("POST", &b"hello"[..])
        );
        let get = read_request(&mut reader)?.ok_or_else(|| std::io::Error::other("none"))?;
        assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", "/d"));
        assert!(get.body.is_empty());
        let chunked =
            b"POST /c HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        assert!(read_request(&mut &chunked[..]).is_err());
        Ok(())
    }

    #[test]
    fn chunks_are_framed_with_hex_lengths() -> std::io::Result<()> {
        let mut buf = Vec::new();
        let mut c = Chunked::start(&mut buf)?;
        c.chunk(&[b'a'; 26])?;
        c.chunk(b"")?;
        c.finish()?;
        let text = String::from_utf8_lossy(&buf);
        assert!(text.ends_with(&format!("\r\n\r\n1a\r\n{}\r\n0\r\n\r\n", "a".repeat(26))));
        Ok(())
    }
}
