//! [`LabelSelector`]: label selectors matched in memory, as listers need them.
//!
//! The grammar is kube-apiserver's string form: comma-separated requirements,
//! each `key=value`, `key==value`, `key!=value`, `key in (a,b)`,
//! `key notin (a,b)`, `key` (exists) or `!key` (does not exist).

use std::collections::BTreeMap;

/// Why a selector string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid label selector {selector:?}: {reason}")]
pub struct SelectorError {
    /// The selector as given.
    pub selector: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Self::Equals(k, v) => labels.get(k) == Some(v),
            // As in apimachinery: `!=` and `notin` match objects without the key.
            Self::NotEquals(k, v) => labels.get(k) != Some(v),
            Self::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Self::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Self::Exists(k) => labels.contains_key(k),
            Self::NotExists(k) => !labels.contains_key(k),
        }
    }
}

/// A parsed label selector; the empty selector matches everything.
///
/// ```
/// use std::collections::BTreeMap;
/// use client_runtime::selector::LabelSelector;
///
/// let sel = LabelSelector::parse("app=web,tier in (front, back),!canary").unwrap();
/// let labels = BTreeMap::from([("app".to_string(), "web".to_string()),
///                              ("tier".to_string(), "front".to_string())]);
/// assert!(sel.matches(&labels));
/// assert!(LabelSelector::everything().matches(&BTreeMap::new()));
/// assert!(LabelSelector::parse("app in (a").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// The selector that matches every object.
    pub fn everything() -> Self {
        Self::default()
    }

    /// Parses the string form.
    ///
    /// # Errors
    ///
    /// [`SelectorError`] for an unbalanced set, an empty key or an unknown operator.
    pub fn parse(selector: &str) -> Result<Self, SelectorError> {
        let err = |reason| SelectorError {
            selector: selector.to_owned(),
            reason,
        };
        let mut requirements = Vec::new();
        for part in split_top_level(selector).map_err(err)? {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            requirements.push(parse_requirement(part).map_err(err)?);
        }
        Ok(Self { requirements })
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// `true` for the selector that matches everything.
    pub fn is_everything(&self) -> bool {
        self.requirements.is_empty()
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Result<Vec<&str>, &'static str> {
    let mut parts = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("unbalanced parentheses")?,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced parentheses");
    }
    parts.push(&s[start..]);
    Ok(parts)
}

fn key(s: &str) -> Result<String, &'static str> {
    let k = s.trim();
    if k.is_empty() || k.contains(char::is_whitespace) {
        return Err("a requirement needs one key");
    }
    Ok(k.to_owned())
}

fn set(s: &str) -> Result<Vec<String>, &'static str> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or("a set must be in parentheses")?;
    Ok(inner.split(',').map(|v| v.trim().to_owned()).collect())
}

fn parse_requirement(part: &str) -> Result<Requirement, &'static str> {
    if let Some(k) = part.strip_prefix('!') {
        return Ok(Requirement::NotExists(key(k)?));
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(key(k)?, v.trim().to_owned()));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key(k)?, v.trim().to_owned()));
    }
    if let Some((k, v)) = part.split_once(" notin ") {
        return Ok(Requirement::NotIn(key(k)?, set(v)?));
    }
    if let Some((k, v)) = part.split_once(" in ") {
        return Ok(Requirement::In(key(k)?, set(v)?));
    }
    if part.contains(['(', ')', '<', '>']) {
        return Err("unknown operator");
    }
    Ok(Requirement::Exists(key(part)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn each_operator_matches_as_apimachinery_does() -> Result<(), SelectorError> {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app=db", false),
            ("app!=db", true),
            ("missing!=x", true),
            ("tier in (front,back)", true),
            ("tier notin (front)", false),
            ("missing notin (a)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("app=web, tier in (back)", false),
            ("", true),
        ] {
            assert_eq!(LabelSelector::parse(sel)?.matches(&l), want, "{sel}");
        }
        Ok(())
    }

    #[test]
    fn malformed_selectors_are_refused() {
        for sel in ["app in (a", "app)", "=x", "a in b", "a < b"] {
            assert!(LabelSelector::parse(sel).is_err(), "{sel}");
        }
    }
}
