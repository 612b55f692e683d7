//! The request benchmark's command line, shared by its three client binaries:
//! `<workload> <current|multi> <server-url> <ops> <objects>`.

use crate::BenchError;

/// One request workload of issue 17's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `get`: `ops` GETs of single objects, one after the other.
    Get,
    /// `get16`: `ops` GETs from [`CONCURRENCY`] tasks at once.
    GetConcurrent,
    /// `list`: `ops` lists of every object, one request each.
    List,
    /// `pages`: `ops` lists of every object in pages of [`PAGE`].
    Pages,
    /// `watch`: one watch, read until `ops` events arrived.
    Watch,
    /// `post`: `ops` creates, one after the other (the server answers 201).
    Post,
}

/// How many tasks the concurrent GET workload runs.
pub const CONCURRENCY: u64 = 16;
/// The page size of the paged list (`limit`).
pub const PAGE: u32 = 500;

impl Workload {
    /// Every workload with its command-line word, in report order.
    pub const ALL: [(Workload, &'static str); 6] = [
        (Workload::Get, "get"),
        (Workload::GetConcurrent, "get16"),
        (Workload::List, "list"),
        (Workload::Pages, "pages"),
        (Workload::Watch, "watch"),
        (Workload::Post, "post"),
    ];

    /// The workload named `word`.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, w)| *w == word).map(|(k, _)| *k)
    }
}

/// Which tokio runtime drives the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `current`: one thread (`new_current_thread`).
    CurrentThread,
    /// `multi`: a worker per core (`new_multi_thread`).
    MultiThread,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// What to run.
    pub workload: Workload,
    /// On which runtime.
    pub flavor: Flavor,
    /// The canned server's base URL.
    pub server: String,
    /// Requests (lists, events) to run.
    pub ops: u64,
    /// How many objects the server holds (what a full list must return).
    pub objects: usize,
}

/// Parses the process arguments (without the program name).
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, BenchError> {
    let usage =
        "usage: <get|get16|list|pages|watch|post> <current|multi> <server-url> <ops> <objects>";
    let bad = |what: String| BenchError::Args(format!("{what}; {usage}"));
    let mut next = |name: &str| args.next().ok_or_else(|| bad(format!("missing {name}")));
    let word = next("workload")?;
    let workload = Workload::from_word(&word).ok_or_else(|| bad(format!("workload {word:?}")))?;
    let flavor = match next("runtime")?.as_str() {
        "current" => Flavor::CurrentThread,
        "multi" => Flavor::MultiThread,
        other => return Err(bad(format!("runtime {other:?}"))),
    };
    let server = next("server-url")?;
    let ops_word = next("ops")?;
    let ops = ops_word
        .parse()
        .map_err(|e| bad(format!("ops {ops_word:?}: {e}")))?;
    let objects_word = next("objects")?;
    let objects = objects_word
        .parse()
        .map_err(|e| bad(format!("objects {objects_word:?}: {e}")))?;
    if ops == 0 || objects == 0 {
        return Err(bad("ops and objects must be at least 1".to_owned()));
    }
    Ok(Args {
        workload,
        flavor,
        server,
        ops,
        objects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words;

    #[test]
    fn parses_every_workload_and_both_runtimes() -> Result<(), BenchError> {
        for (kind, word) in Workload::ALL {
            let a = parse(words(&format!("{word} multi http://x 3 20000")))?;
            assert_eq!(a.workload, kind);
            assert_eq!(a.flavor, Flavor::MultiThread);
            assert_eq!((a.ops, a.objects), (3, 20_000));
        }
        let a = parse(words("get current http://127.0.0.1:1 1 1"))?;
        assert_eq!(a.flavor, Flavor::CurrentThread);
        assert_eq!(a.server, "http://127.0.0.1:1");
        Ok(())
    }

    #[test]
    fn rejects_unknown_missing_and_zero() {
        assert!(parse(words("delete current http://x 1 1")).is_err());
        assert!(parse(words("get both http://x 1 1")).is_err());
        assert!(parse(words("get current http://x 1")).is_err());
        assert!(parse(words("get current http://x many 1")).is_err());
        assert!(parse(words("get current http://x 0 1")).is_err());
    }
}
