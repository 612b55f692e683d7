//! What every handler shares: the backend, fault rules, the request log and
//! the server's settings.

use std::time::Duration;

use crate::http::faults::Faults;
use crate::http::request_log::RequestLog;
use crate::registry::Backend;

/// Server-wide settings the handlers read.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Bearer token required, if any.
    pub token: Option<String>,
    /// Accept a verified client certificate as authentication.
    pub client_cert_auth: bool,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Interval between watch bookmarks.
    pub bookmark_interval: Duration,
}

/// Shared state of the handlers.
pub(crate) struct State {
    /// Store and served resources.
    pub backend: Backend,
    /// Fault rules.
    pub faults: Faults,
    /// Request log.
    pub log: RequestLog,
    /// Settings.
    pub settings: Settings,
}
