//! The command line both sides share: `<workload> <server-url> [events|items]`.

use crate::BenchError;

/// What a side runs, and against what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Sync an informer (reflector) over the server's list, then count
    /// `events` watch events through a handler.
    Informer {
        /// The canned server's base URL, e.g. `http://127.0.0.1:41000`.
        server: String,
        /// How many watch events the server sends (and the handler waits for).
        events: u64,
        /// Cache the project's own ConfigMap type instead of k8s-openapi's
        /// (`informer-native`; only `ours` has one).
        native: bool,
    },
    /// Push `items` distinct keys through the queue, each added twice.
    Queue {
        /// How many distinct keys.
        items: u64,
    },
}

/// Parses the process arguments (without the program name).
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Workload, BenchError> {
    let usage = "usage: informer[-native] <server-url> <events> | queue <items>";
    let number = |s: Option<String>| -> Result<u64, BenchError> {
        let s = s.ok_or_else(|| BenchError::Args(usage.to_owned()))?;
        s.parse()
            .map_err(|e| BenchError::Args(format!("{s:?}: {e}; {usage}")))
    };
    match args.next().as_deref() {
        Some(word @ ("informer" | "informer-native")) => {
            let native = word == "informer-native";
            let server = args
                .next()
                .ok_or_else(|| BenchError::Args(usage.to_owned()))?;
            let events = number(args.next())?;
            Ok(Workload::Informer {
                server,
                events,
                native,
            })
        }
        Some("queue") => Ok(Workload::Queue {
            items: number(args.next())?,
        }),
        _ => Err(BenchError::Args(usage.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words;

    #[test]
    fn parses_both_workloads() {
        assert_eq!(
            parse(words("informer http://127.0.0.1:1 7")).ok(),
            Some(Workload::Informer {
                server: "http://127.0.0.1:1".to_owned(),
                events: 7,
                native: false
            })
        );
        assert!(matches!(
            parse(words("informer-native http://x 1")),
            Ok(Workload::Informer { native: true, .. })
        ));
        assert_eq!(
            parse(words("queue 9")).ok(),
            Some(Workload::Queue { items: 9 })
        );
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        assert!(parse(words("stream")).is_err());
        assert!(parse(words("queue many")).is_err());
        assert!(parse(words("informer http://x")).is_err());
    }
}
