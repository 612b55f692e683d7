//! [`ConfigError`]: why a configuration could not be loaded or used.
//!
//! Every variant says where the problem is (which file, which kubeconfig
//! entry, which field) and what was wrong. No variant ever carries a secret's
//! value: decoding errors name the field, never its content.

use std::fmt;
use std::path::PathBuf;

/// The kind of a kubeconfig entry, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A `clusters[]` entry.
    Cluster,
    /// A `users[]` entry (client-go's `AuthInfo`).
    User,
    /// A `contexts[]` entry.
    Context,
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cluster => "cluster",
            Self::User => "user",
            Self::Context => "context",
        })
    }
}

/// Names one kubeconfig entry and the file it came from: `user "alice" (from /home/a/.kube/config)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    /// Whether it is a cluster, user or context.
    pub kind: EntryKind,
    /// The entry's `name`.
    pub name: String,
    /// The kubeconfig file that defined it, when it came from a file.
    pub origin: Option<PathBuf>,
}

impl fmt::Display for EntryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.kind, self.name)?;
        if let Some(origin) = &self.origin {
            write!(f, " (from {})", origin.display())?;
        }
        Ok(())
    }
}

/// Formats an optional file for messages: ` in /path` or nothing.
struct InFile<'a>(&'a Option<PathBuf>);

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, " in {}", path.display()),
            None => Ok(()),
        }
    }
}

fn in_file(path: &Option<PathBuf>) -> InFile<'_> {
    InFile(path)
}

/// A 1-based line and column in a YAML document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The line, counting from 1.
    pub line: usize,
    /// The column, counting from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} column {}", self.line, self.column)
    }
}

/// Why a configuration could not be loaded, or could not be turned into a client.
///
/// Messages name the file, the kubeconfig entry and the field at fault, never
/// the value of a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file (kubeconfig, certificate, key, token, service-account file) could not be read.
    #[error("cannot read {what} at {}", path.display())]
    ReadFile {
        /// What the file was supposed to hold (`kubeconfig`, `client-key of user "x"`, …).
        what: String,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A file the configuration names is a device, FIFO or socket, so it was
    /// not read (reading `/dev/zero` or a FIFO would never end).
    #[error("{what} at {} is not a regular file ({kind})", path.display())]
    NotARegularFile {
        /// What the file was supposed to hold.
        what: String,
        /// The path.
        path: PathBuf,
        /// What it is instead (`a character device`, `a FIFO`, …).
        kind: &'static str,
    },

    /// A file the configuration names is larger than its limit (see
    /// [`crate::config::KUBECONFIG_LIMIT`] and friends), so it was not read.
    #[error("{what} at {} is larger than the limit of {limit} bytes", path.display())]
    FileTooLarge {
        /// What the file was supposed to hold.
        what: String,
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },

    /// A kubeconfig is not valid YAML, or does not have a kubeconfig's shape.
    #[error("invalid kubeconfig{}{}: {message}", in_file(path), location.map(|l| format!(" at {l}")).unwrap_or_default())]
    Yaml {
        /// The file, when the kubeconfig came from one.
        path: Option<PathBuf>,
        /// Where in the document, when known.
        location: Option<Location>,
        /// What the parser said, with any quoted input values removed.
        message: String,
    },

    /// No context was asked for and the kubeconfig has no `current-context`.
    #[error(
        "the kubeconfig sets no current-context and none was given{}",
        sources_suffix(sources)
    )]
    MissingCurrentContext {
        /// The kubeconfig files that were merged (empty if none came from a file).
        sources: Vec<PathBuf>,
    },

    /// The named context does not exist.
    #[error(
        "context {name:?} is not defined in the kubeconfig{}",
        sources_suffix(sources)
    )]
    UnknownContext {
        /// The context asked for.
        name: String,
        /// The kubeconfig files that were merged.
        sources: Vec<PathBuf>,
    },

    /// The cluster a context (or an override) names does not exist.
    #[error("cluster {name:?} (named by {referrer}) is not defined in the kubeconfig")]
    UnknownCluster {
        /// The missing cluster's name.
        name: String,
        /// The context that names it, or `override` when it came from the options.
        referrer: String,
    },

    /// The user a context (or an override) names does not exist.
    #[error("user {name:?} (named by {referrer}) is not defined in the kubeconfig")]
    UnknownUser {
        /// The missing user's name.
        name: String,
        /// The context that names it, or `override` when it came from the options.
        referrer: String,
    },

    /// A kubeconfig entry lacks a required field, or sets one without its partner.
    #[error("{entry}: {problem}")]
    InvalidEntry {
        /// The entry at fault.
        entry: EntryRef,
        /// What is missing or contradictory.
        problem: String,
    },

    /// A `*-data` field is not valid base64.
    #[error("{entry}: {field} is not valid base64")]
    Base64 {
        /// The entry at fault.
        entry: EntryRef,
        /// The field, such as `client-key-data`.
        field: &'static str,
    },

    /// A certificate or key is not valid PEM, or holds nothing usable.
    #[error("{source_name}: {problem}")]
    Pem {
        /// Where the PEM came from (`certificate-authority-data of cluster "c"`, a file, …).
        source_name: String,
        /// What is wrong with it (never the content).
        problem: String,
    },

    /// A URL (`server`, `proxy-url`) cannot be parsed.
    #[error("{context}: {field} is not a valid URL: {reason}")]
    Url {
        /// The entry or setting it came from.
        context: String,
        /// The field, such as `server`.
        field: &'static str,
        /// Why it is invalid (the URL itself is left out: it may carry credentials).
        reason: String,
    },

    /// A URL's host is a number that is not a dotted-quad IPv4 address (`12345`, `127.1`,
    /// `010.0.0.1`). The URL parser would read it as an IPv4 address (`12345` is
    /// `0.0.48.57`) while kubectl looks it up as a host name, so it is refused.
    #[error(
        "{context}: {field} host {host:?} would be read as the IPv4 address {read_as}, but kubectl treats it as a host name; write the address as four decimal numbers, or use a DNS name"
    )]
    NumericHost {
        /// The entry or setting it came from.
        context: String,
        /// The field, such as `server`.
        field: &'static str,
        /// The host as written.
        host: String,
        /// The address the URL parser would have used.
        read_as: std::net::Ipv4Addr,
    },

    /// An exec plugin configuration cannot be used.
    #[error("{entry}: exec plugin: {problem}")]
    Exec {
        /// The user entry holding the exec configuration.
        entry: EntryRef,
        /// What is wrong with it.
        problem: String,
    },

    /// The in-cluster environment is incomplete (`KUBERNETES_SERVICE_HOST`/`PORT` unset).
    #[error("not running in a cluster: {0}")]
    NotInCluster(String),

    /// [`crate::Config::infer`] found no kubeconfig and no in-cluster environment.
    #[error("no configuration found: {tried}")]
    NoConfiguration {
        /// What was tried, in order, and why each failed.
        tried: String,
    },

    /// The impersonation settings cannot be sent as HTTP headers.
    #[error("impersonation: {0}")]
    Impersonation(String),

    /// A credential (token, password) cannot be sent in an HTTP header.
    #[error("credentials: {0}")]
    Credential(String),

    /// The proxy URL cannot be used.
    #[error("proxy-url: {reason}")]
    InvalidProxy {
        /// Why.
        reason: String,
    },

    /// The HTTP client could not be built from the configuration.
    #[error("cannot build the HTTP client: {reason}")]
    HttpClient {
        /// Why.
        reason: String,
    },

    /// The TLS settings cannot be turned into a TLS client configuration.
    #[error("TLS configuration: {problem}")]
    Tls {
        /// What is wrong.
        problem: String,
        /// The underlying rustls error, if any.
        #[source]
        source: Option<rustls::Error>,
    },
}

fn sources_suffix(sources: &[PathBuf]) -> String {
    if sources.is_empty() {
        return String::new();
    }
    let list: Vec<String> = sources.iter().map(|p| p.display().to_string()).collect();
    format!(" (files: {})", list.join(", "))
}

/// Removes the input values a parser quotes back, which may be secrets: every
/// `"…"` string, and the `` `…` `` of serde's integer, floating point, character,
/// boolean and variant values. Backquoted field names (`` missing field `server` ``) stay.
pub(crate) fn strip_quoted_values(message: &str) -> String {
    const VALUE_WORDS: [&str; 5] = ["integer ", "point ", "character ", "boolean ", "variant "];
    let mut out = String::with_capacity(message.len());
    let mut closing: Option<char> = None;
    let mut hiding = false;
    let mut escaped = false;
    for c in message.chars() {
        match closing {
            // Inside a quoted string, `\"` and `\\` do not end it.
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(end) if c == end => {
                if hiding {
                    out.push('…');
                }
                out.push(c);
                closing = None;
            }
            Some(_) => {
                if !hiding {
                    out.push(c);
                }
            }
            None => {
                if c == '"' || c == '`' {
                    hiding = c == '"' || VALUE_WORDS.iter().any(|w| out.ends_with(w));
                    closing = Some(c);
                }
                out.push(c);
            }
        }
    }
    if closing.is_some() && hiding {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn strip_quoted_values_hides_quoted_content() {
        assert_eq!(
            strip_quoted_values("invalid type: string \"hunter2\", expected a boolean"),
            "invalid type: string \"…\", expected a boolean"
        );
        assert_eq!(
            strip_quoted_values("invalid type: integer `42`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
        assert_eq!(
            strip_quoted_values("unterminated \"abc"),
            "unterminated \"…"
        );
    }

    #[test]
    fn entry_ref_names_kind_name_and_origin() {
        let entry = EntryRef {
            kind: EntryKind::User,
            name: "alice".into(),
            origin: Some(PathBuf::from("/k/config")),
        };
        assert_eq!(entry.to_string(), "user \"alice\" (from /k/config)");
    }

    #[test]
    fn strip_quoted_values_follows_escapes_inside_strings() {
        assert_eq!(
            strip_quoted_values(r#"invalid type: string "a\"b\\", expected x"#),
            r#"invalid type: string "…", expected x"#
        );
    }
}
