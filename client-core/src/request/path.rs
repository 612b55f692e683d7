//! Kubernetes' URL grammar: `/api/v1` for the core group,
//! `/apis/{group}/{version}` otherwise, then `namespaces/{ns}`, the resource,
//! the name and the subresource. Every segment is checked before it is used.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::RequestError;

/// Where a request goes, in the grammar's terms.
#[derive(Clone, Debug)]
pub(crate) struct PathParts {
    pub(crate) group: Cow<'static, str>,
    pub(crate) version: Cow<'static, str>,
    pub(crate) namespace: Option<String>,
    pub(crate) resource: Option<Cow<'static, str>>,
    pub(crate) name: Option<String>,
    pub(crate) subresource: Option<Cow<'static, str>>,
    /// An absolute path outside the grammar; it replaces everything else.
    pub(crate) abs_path: Option<String>,
}

impl Default for PathParts {
    fn default() -> Self {
        Self {
            group: Cow::Borrowed(""),
            version: Cow::Borrowed("v1"),
            namespace: None,
            resource: None,
            name: None,
            subresource: None,
            abs_path: None,
        }
    }
}

/// What a path segment may not hold literally (the URL standard's path
/// set plus `%` and `/`, which `check_segment` refuses anyway): a `?` or `#`
/// in a name must never start the query or a fragment, and a `\` never
/// become a `/` (the URL parser reads it as one in http(s) paths, so
/// `..\..` would climb out of the segment).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%')
    .add(b'/')
    .add(b'\\');

/// Appends `/` and the percent-encoded segment.
fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    path.extend(utf8_percent_encode(segment, SEGMENT));
}

/// Refuses a value that cannot be one path segment; `segment` names it in the error.
pub(crate) fn check_segment(segment: &'static str, value: &str) -> Result<(), RequestError> {
    let reason = if value.is_empty() {
        "it is empty"
    } else if value == "." || value == ".." {
        "it may not be '.' or '..'"
    } else if value.contains('/') {
        "it may not contain '/'"
    } else if value.contains('%') {
        "it may not contain '%'"
    } else {
        return Ok(());
    };
    Err(RequestError::InvalidSegment {
        segment,
        value: value.to_owned(),
        reason,
    })
}

/// Refuses an absolute path that does not start with `/` or holds a `.` or `..` segment.
pub(crate) fn check_abs_path(path: String) -> Result<String, RequestError> {
    if !path.starts_with('/') || path.split('/').any(|s| s == "." || s == "..") {
        return Err(RequestError::InvalidSegment {
            segment: "path",
            value: path,
            reason: "it must start with '/' and hold no '.' or '..' segment",
        });
    }
    Ok(path)
}

impl PathParts {
    /// The URL path (without the server's own prefix), percent-encoded.
    pub(crate) fn render(&self) -> Result<String, RequestError> {
        if let Some(path) = &self.abs_path {
            return Ok(path.clone());
        }
        let mut path = String::with_capacity(96);
        if self.group.is_empty() {
            path.push_str("/api");
        } else {
            path.push_str("/apis");
            push_segment(&mut path, &self.group);
        }
        push_segment(&mut path, &self.version);
        let Some(resource) = &self.resource else {
            // A group-version discovery document (`/apis/g/v`).
            if self.name.is_some() || self.namespace.is_some() {
                return Err(RequestError::MissingResource);
            }
            return Ok(path);
        };
        if let Some(ns) = &self.namespace {
            path.push_str("/namespaces");
            push_segment(&mut path, ns);
        }
        push_segment(&mut path, resource);
        if let Some(name) = &self.name {
            push_segment(&mut path, name);
        }
        if let Some(sub) = &self.subresource {
            if self.name.is_none() {
                return Err(RequestError::MissingName("a subresource request"));
            }
            push_segment(&mut path, sub);
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert!(check_segment("name", "ok-name.1").is_ok());
        for bad in ["", ".", "..", "a/b", "a%2F"] {
            assert!(check_segment("name", bad).is_err(), "{bad:?}");
        }
    }
}
