//! Running an exec plugin's process without trusting it: bounded output, bounded time,
//! and nothing left running.
//!
//! - The plugin runs in a process group of its own (Unix), so that on a timeout, or when
//!   it prints too much, it is killed together with every process it started.
//! - Stdout is capped at [`STDOUT_LIMIT`].
//! - The run ends once the plugin has exited and its output has ended, or
//!   [`EXIT_GRACE`] after it exited: a child that inherited stdout and keeps it open
//!   does not hold the client until the timeout.
//! - Only the last [`STDERR_TAIL`] bytes of stderr are kept, for the error message,
//!   and [`redact`] removes what looks like a credential from them.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::time::Instant;

/// The most an exec plugin may print on stdout. An `ExecCredential` with a certificate
/// and key is a few KiB.
pub(crate) const STDOUT_LIMIT: usize = 4 * 1024 * 1024;

/// How much of the end of an exec plugin's stderr is kept for error messages.
pub(crate) const STDERR_TAIL: usize = 1024;

/// How long after the plugin exits its output may stay open before the run ends anyway.
pub(crate) const EXIT_GRACE: Duration = Duration::from_secs(1);

/// What a finished plugin left behind.
pub(crate) struct Finished {
    /// Its exit status.
    pub(crate) status: ExitStatus,
    /// Everything it printed on stdout (at most [`STDOUT_LIMIT`] bytes).
    pub(crate) stdout: Vec<u8>,
    /// The end of its stderr (at most [`STDERR_TAIL`] bytes).
    pub(crate) stderr_tail: Vec<u8>,
}

/// Why a plugin run did not finish.
pub(crate) enum RunError {
    /// Reading its output or waiting for it failed.
    Io(std::io::Error),
    /// It printed more than [`STDOUT_LIMIT`]; it was killed.
    TooMuchOutput,
    /// It ran past the deadline; it was killed.
    TimedOut,
}

/// Starts `command` in a process group of its own, stdin closed, output piped.
pub(crate) fn spawn(mut command: Command) -> std::io::Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    command.spawn()
}

/// Waits for `child` and collects its output, within `timeout`. On a timeout or too much
/// output, and if this future is dropped before the end, the plugin's whole process group
/// is killed.
pub(crate) async fn run(mut child: Child, timeout: Duration) -> Result<Finished, RunError> {
    let mut group = GroupGuard {
        pgid: child.id(),
        armed: true,
    };
    let outcome = tokio::time::timeout(timeout, collect(&mut child)).await;
    let result = match outcome {
        Ok(Ok(finished)) => Ok(finished),
        Ok(Err(error)) => Err(error),
        Err(_elapsed) => Err(RunError::TimedOut),
    };
    if result.is_ok() {
        // The plugin exited. Processes it left behind (even ones still holding its
        // stdout after the grace) are its own business, as with any program we run.
        group.armed = false;
    } else {
        group.kill().await;
        let _ = child.start_kill();
        let _ = tokio::time::timeout(EXIT_GRACE, child.wait()).await;
    }
    result
}

async fn collect(child: &mut Child) -> Result<Finished, RunError> {
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let mut stdout_bytes = Vec::new();
    let mut tail = Vec::new();
    let mut out_chunk = vec![0u8; 16 * 1024];
    let mut err_chunk = vec![0u8; 4 * 1024];
    let mut status: Option<ExitStatus> = None;
    // Armed when the plugin exits; until then it never fires.
    let grace = tokio::time::sleep(Duration::from_secs(86_400 * 365));
    tokio::pin!(grace);
    loop {
        if status.is_some() && stdout.is_none() && stderr.is_none() {
            break;
        }
        tokio::select! {
            exited = child.wait(), if status.is_none() => {
                status = Some(exited.map_err(RunError::Io)?);
                grace.as_mut().reset(Instant::now() + EXIT_GRACE);
            }
            read = read_some(&mut stdout, &mut out_chunk), if stdout.is_some() => {
                match read.map_err(RunError::Io)? {
                    0 => stdout = None,
                    n => {
                        if stdout_bytes.len() + n > STDOUT_LIMIT {
                            return Err(RunError::TooMuchOutput);
                        }
                        stdout_bytes.extend_from_slice(&out_chunk[..n]);
                    }
                }
            }
            read = read_some(&mut stderr, &mut err_chunk), if stderr.is_some() => {
                match read.map_err(RunError::Io)? {
                    0 => stderr = None,
                    n => keep_tail(&mut tail, &err_chunk[..n]),
                }
            }
            () = &mut grace, if status.is_some() => break,
        }
    }
    let Some(status) = status else {
        // Unreachable: the loop only ends once the status is known.
        return Err(RunError::Io(std::io::Error::other("no exit status")));
    };
    Ok(Finished {
        status,
        stdout: stdout_bytes,
        stderr_tail: tail,
    })
}

/// Reads once from a pipe that is still open.
async fn read_some<R: AsyncRead + Unpin>(
    pipe: &mut Option<R>,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    match pipe {
        Some(pipe) => pipe.read(buf).await,
        None => Ok(0),
    }
}

/// Appends `chunk` and keeps only the last [`STDERR_TAIL`] bytes.
fn keep_tail(tail: &mut Vec<u8>, chunk: &[u8]) {
    tail.extend_from_slice(chunk);
    if tail.len() > STDERR_TAIL {
        let excess = tail.len() - STDERR_TAIL;
        tail.drain(..excess);
    }
}

/// Kills the plugin's process group when dropped armed (the run was cancelled) or when
/// told to (timeout, too much output).
struct GroupGuard {
    pgid: Option<u32>,
    armed: bool,
}

impl GroupGuard {
    /// Kills the group and waits (briefly) for the signal to be sent.
    async fn kill(&mut self) {
        self.armed = false;
        if let Some(mut killer) = self.pgid.and_then(spawn_group_kill) {
            let _ = tokio::time::timeout(EXIT_GRACE * 5, killer.wait()).await;
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.armed {
            // Cancelled mid-run: signal the group without waiting; tokio reaps the
            // `kill` process in the background.
            let _ = self.pgid.and_then(spawn_group_kill);
        }
    }
}

/// Sends SIGKILL to the process group `pgid`. The workspace forbids `unsafe`, and std has
/// no `killpg`, so this runs the shell's `kill` builtin (present wherever `/bin/sh` is).
/// Returns `None` when that cannot be started; the plugin itself is still killed through
/// its `Child` handle.
#[cfg(unix)]
fn spawn_group_kill(pgid: u32) -> Option<Child> {
    if pgid == 0 || tokio::runtime::Handle::try_current().is_err() {
        return None;
    }
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg("kill -s KILL -- \"-$1\" 2>/dev/null")
        .arg("kill-exec-plugin")
        .arg(pgid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match command.spawn() {
        Ok(child) => Some(child),
        Err(error) => {
            tracing::warn!(%error, pgid, "cannot kill the exec plugin's process group");
            None
        }
    }
}

#[cfg(not(unix))]
fn spawn_group_kill(_pgid: u32) -> Option<Child> {
    None
}

/// `text` with what looks like a credential replaced by `[redacted]`: each of `known`
/// (the plugin's token or key, its secret environment values), the word after `Bearer`,
/// `Basic`, `token`, `password` or `secret`, the value of `key=value` pairs whose key
/// names one of those, JWTs (`eyJ…`), and long opaque strings mixing letters and digits.
pub(crate) fn redact(text: &str, known: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in known.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, REDACTED);
    }
    let mut out = String::with_capacity(text.len());
    let mut previous_is_marker = false;
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let word_len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        if word_len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..word_len];
        rest = &rest[word_len..];
        if word == REDACTED_WORD {
            out.push_str(word);
            continue;
        }
        if previous_is_marker || looks_like_credential(word) {
            out.push_str(REDACTED);
        } else if let Some((key, _value)) = word.split_once('=').filter(|(k, _)| is_marker(k)) {
            out.push_str(key);
            out.push('=');
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        previous_is_marker = is_marker(word);
    }
    out
}

const REDACTED: &str = "[redacted]";
const REDACTED_WORD: &str = "redacted";

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)
}

/// A word after which the next word is a secret: `Bearer x`, `token: x`, `"password": "x"`.
fn is_marker(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['=', ':']);
    matches!(lower, "bearer" | "basic")
        || ["token", "password", "passwd", "secret", "apikey", "api_key"]
            .iter()
            .any(|m| lower.ends_with(m))
}

/// A JWT, or a long opaque string of letters and digits (a token, a key, a signature).
fn looks_like_credential(word: &str) -> bool {
    if word.starts_with("eyJ") && word.contains('.') {
        return true;
    }
    word.len() >= 24
        && !word.starts_with('/')
        && !word.starts_with('.')
        && word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_known_and_token_looking_values_only() {
        let text = "error: Authorization: Bearer abc.def failed for token=s3cr3t-v4lue; \
                    jwt eyJhbGciOi.eyJzdWIi.sig; key dGhpcyBpcyBhIHNlY3JldCBrZXkgMTIzNDU2; \
                    \"password\": \"hunter2\"; known K0WN-SECRET; see /usr/local/bin/plugin-v1234567890123456789";
        let redacted = redact(text, &["K0WN-SECRET"]);
        for secret in [
            "abc.def",
            "s3cr3t-v4lue",
            "eyJhbGciOi",
            "dGhpcyBpcyBhIHNlY3JldCBrZXkgMTIzNDU2",
            "hunter2",
            "K0WN-SECRET",
        ] {
            assert!(!redacted.contains(secret), "{secret} in {redacted}");
        }
        assert!(
            redacted.starts_with(
                "error: Authorization: Bearer [redacted] failed for token=[redacted];"
            ),
            "{redacted}"
        );
        assert!(
            redacted.contains("/usr/local/bin/plugin-v1234567890123456789"),
            "{redacted}"
        );
        assert_eq!(
            redact("plugin says: credentials unavailable", &[]),
            "plugin says: credentials unavailable"
        );
    }

    #[test]
    fn the_tail_keeps_the_last_bytes() {
        let mut tail = Vec::new();
        keep_tail(&mut tail, &[b'a'; STDERR_TAIL]);
        keep_tail(&mut tail, b"end");
        assert_eq!(tail.len(), STDERR_TAIL);
        assert!(tail.ends_with(b"aend"));
    }
}
