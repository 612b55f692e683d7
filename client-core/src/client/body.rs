//! Reading an answer's body within a bound: a broken or hostile server
//! cannot make the client hold more than [`Config::max_response_bytes`]
//! (or [`ERROR_BODY_LIMIT`] of an error answer).
//!
//! [`Config::max_response_bytes`]: crate::Config::max_response_bytes

use std::time::Duration;

use bytes::{Bytes, BytesMut};

pub(crate) use crate::config::ERROR_BODY_LIMIT;
use crate::error::{Error, RequestTarget, Result};

/// How an over-long body ends the read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnOverflow {
    /// Fail with [`Error::ResponseTooLarge`] (a success body).
    Fail,
    /// Keep the first `limit` bytes and drop the rest (an error answer).
    Truncate,
}

/// Reads `response`'s body, at most `limit` bytes. A read that runs into
/// the request's timeout (`timeout`) is an [`Error::Timeout`].
///
/// # Errors
/// [`Error::ResponseTooLarge`] past the limit (with [`OnOverflow::Fail`]),
/// [`Error::Timeout`], or a transport error.
pub(crate) async fn read_bounded(
    target: &RequestTarget,
    mut response: reqwest::Response,
    limit: usize,
    on_overflow: OnOverflow,
    timeout: Option<Duration>,
) -> Result<Bytes> {
    let declared = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    if on_overflow == OnOverflow::Fail && declared.is_some_and(|n| n > limit) {
        return Err(Error::ResponseTooLarge {
            target: target.clone(),
            limit,
        });
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(Error::Timeout {
                    target: target.clone(),
                    after: timeout.unwrap_or_default(),
                });
            }
            Err(e) => return Err(super::transport(target, e)),
        };
        let room = limit - body.len();
        if chunk.len() > room {
            match on_overflow {
                OnOverflow::Fail => {
                    return Err(Error::ResponseTooLarge {
                        target: target.clone(),
                        limit,
                    });
                }
                OnOverflow::Truncate => {
                    body.extend_from_slice(&chunk[..room]);
                    break;
                }
            }
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
