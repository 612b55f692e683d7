//! Error collection: every problem found is recorded with its span and the
//! whole set is reported at once, so a user sees all mistakes in one build.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// Collects spanned errors while a derive is parsed and checked.
#[derive(Default)]
pub struct Errors {
    list: Vec<syn::Error>,
}

impl Errors {
    /// Records an error spanned on `tokens`.
    pub fn spanned<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.list.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub fn at<M: Display>(&mut self, span: proc_macro2::Span, message: M) {
        self.list.push(syn::Error::new(span, message));
    }

    /// Records an already built error.
    pub fn push(&mut self, error: syn::Error) {
        self.list.push(error);
    }

    /// The recorded errors.
    pub fn into_vec(self) -> Vec<syn::Error> {
        self.list
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The errors as `compile_error!` invocations (empty when there are none).
    pub fn to_compile_errors(&self) -> TokenStream {
        self.list.iter().map(syn::Error::to_compile_error).collect()
    }

    /// The messages, for unit tests.
    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.list.iter().map(ToString::to_string).collect()
    }
}

/// Levenshtein distance between two short ASCII-ish strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `unknown`, if it is close enough to be a likely typo.
pub fn closest<'a>(unknown: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let unknown_lower = unknown.to_ascii_lowercase();
    let limit = (unknown.len() / 3).max(1) + 1;
    if unknown_lower.len() >= 3
        && let Some(prefixed) = candidates.iter().find(|c| c.starts_with(&unknown_lower))
    {
        return Some(prefixed);
    }
    candidates
        .iter()
        .map(|c| (edit_distance(&unknown_lower, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "unknown X `foo`; did you mean `bar`? expected one of: a, b, c"
pub fn unknown_message(what: &str, unknown: &str, candidates: &[&str]) -> String {
    let list = candidates
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(unknown, candidates) {
        Some(best) => {
            format!("unknown {what} `{unknown}`: did you mean `{best}`? (expected one of {list})")
        }
        None => format!("unknown {what} `{unknown}` (expected one of {list})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("group", "group"), 0);
        assert_eq!(edit_distance("gruop", "group"), 2);
        assert_eq!(edit_distance("plurl", "plural"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
    }

    #[test]
    fn suggestions() {
        let keys = ["group", "version", "plural", "singular", "namespaced"];
        assert_eq!(closest("plurl", &keys), Some("plural"));
        assert_eq!(closest("grop", &keys), Some("group"));
        assert_eq!(closest("Version", &keys), Some("version"));
        assert_eq!(closest("namespace", &keys), Some("namespaced"));
        assert_eq!(closest("zzzzzz", &keys), None);
        let msg = unknown_message("verb", "gte", &["get", "list"]);
        assert!(msg.contains("did you mean `get`?"), "{msg}");
        let msg = unknown_message("verb", "frobnicate", &["get", "list"]);
        assert!(!msg.contains("did you mean"), "{msg}");
    }
}
