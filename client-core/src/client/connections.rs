//! The client's HTTP connections: one reqwest client for calls, and a
//! pool of clients for watches, each carrying at most
//! [`WATCHES_PER_CONNECTION`] open watches.
//!
//! Over HTTP/2 a reqwest client keeps one connection per server and queues
//! a request when the server's stream limit (hyper 200, Go 250) is
//! reached. Watches hold their stream for minutes, so 200 of them on the
//! calls' connection would freeze every other request. client-go avoids
//! this by dialing another connection when the streams run out; here calls
//! never share a connection with watches, and watches are spread over as
//! many connections as they need, well under any server's stream limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How many watches one pooled connection carries at most: half of
/// hyper's default stream limit, so the streams never run out.
pub(crate) const WATCHES_PER_CONNECTION: usize = 100;

/// Builds another reqwest client with the same settings.
pub(crate) type MakeHttp = Box<dyn Fn() -> reqwest::Result<reqwest::Client> + Send + Sync>;

/// The watch connections of one `RestClient`.
pub(crate) struct WatchConnections {
    make: MakeHttp,
    shards: Mutex<Vec<Shard>>,
}

#[derive(Clone)]
struct Shard {
    http: reqwest::Client,
    open: Arc<AtomicUsize>,
}

/// A watch's place on a pooled connection, given back when dropped.
#[derive(Debug)]
pub(crate) struct WatchSlot {
    open: Arc<AtomicUsize>,
}

impl Drop for WatchSlot {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl WatchConnections {
    /// A pool that builds its clients with `make`, on first use.
    pub(crate) fn new(make: MakeHttp) -> Self {
        Self {
            make,
            shards: Mutex::new(Vec::new()),
        }
    }

    /// The client to open one more watch on, and the slot the watch holds
    /// for as long as it is open.
    ///
    /// # Errors
    /// reqwest's error when a new client cannot be built.
    pub(crate) fn checkout(&self) -> reqwest::Result<(reqwest::Client, WatchSlot)> {
        let mut shards = self.shards.lock().unwrap_or_else(|e| e.into_inner());
        let free = shards
            .iter()
            .find(|s| s.open.load(Ordering::Acquire) < WATCHES_PER_CONNECTION)
            .cloned();
        let shard = match free {
            Some(s) => s,
            None => {
                let s = Shard {
                    http: (self.make)()?,
                    open: Arc::new(AtomicUsize::new(0)),
                };
                shards.push(s.clone());
                s
            }
        };
        shard.open.fetch_add(1, Ordering::AcqRel);
        Ok((shard.http, WatchSlot { open: shard.open }))
    }

    /// How many pooled connections (clients) exist, for tests.
    #[cfg(test)]
    pub(crate) fn connections(&self) -> usize {
        self.shards.lock().map(|s| s.len()).unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn watches_spread_over_connections_and_slots_are_reused() {
        let tls = crate::config::TlsOptions {
            insecure_skip_tls_verify: true,
            ..Default::default()
        };
        let tls = crate::tls::rustls_config(&tls, None).unwrap();
        let pool = WatchConnections::new(Box::new(move || {
            reqwest::Client::builder()
                .tls_backend_preconfigured(tls.clone())
                .build()
        }));
        let mut slots: Vec<WatchSlot> = (0..2 * WATCHES_PER_CONNECTION + 1)
            .map(|_| pool.checkout().unwrap().1)
            .collect();
        assert_eq!(pool.connections(), 3);
        // A closed watch frees its place: the next one reuses a connection.
        slots.truncate(WATCHES_PER_CONNECTION);
        for _ in 0..WATCHES_PER_CONNECTION {
            slots.push(pool.checkout().unwrap().1);
        }
        assert_eq!(pool.connections(), 3);
    }
}
