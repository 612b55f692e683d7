//! URL grammar: turns a request path into a `Route`. Pure; resolution
//! against the served resources happens in the handlers.

/// What a path addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/api`.
    CoreVersions,
    /// `/apis`.
    Groups,
    /// `/apis/{group}`.
    Group(String),
    /// `/api/v1` or `/apis/{group}/{version}`.
    ResourceList {
        /// Group (`""` for core).
        group: String,
        /// Version.
        version: String,
    },
    /// `/version`.
    Version,
    /// `/healthz`, `/livez`, `/readyz` (and their sub-checks).
    Health,
    /// `/openapi/v3`.
    OpenApiIndex,
    /// `/openapi/v3/api/v1` or `/openapi/v3/apis/{group}/{version}`.
    OpenApiGroupVersion {
        /// Group (`""` for core).
        group: String,
        /// Version.
        version: String,
    },
    /// `/__testserver/faults`.
    AdminFaults,
    /// `/__testserver/requests`.
    AdminRequests,
    /// A resource path.
    Resource(ResourcePath),
    /// Anything else: plain-text 404.
    NotFound,
}

/// The parts of a resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourcePath {
    /// Group (`""` for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace segment, if any.
    pub namespace: Option<String>,
    /// Plural resource name.
    pub plural: String,
    /// Object name, if any.
    pub name: Option<String>,
    /// Subresource, if any.
    pub subresource: Option<String>,
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses a request path.
pub(crate) fn route(path: &str) -> Route {
    let trimmed = path.trim_end_matches('/');
    let segs: Vec<String> = trimmed.split('/').skip(1).map(decode).collect::<Vec<_>>();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["apis", g] => Route::Group(g.to_string()),
        ["api", v] => Route::ResourceList {
            group: String::new(),
            version: v.to_string(),
        },
        ["apis", g, v] => Route::ResourceList {
            group: g.to_string(),
            version: v.to_string(),
        },
        ["version"] => Route::Version,
        ["healthz" | "livez" | "readyz", ..] => Route::Health,
        ["openapi", "v3"] => Route::OpenApiIndex,
        ["openapi", "v3", "api", v] => Route::OpenApiGroupVersion {
            group: String::new(),
            version: v.to_string(),
        },
        ["openapi", "v3", "apis", g, v] => Route::OpenApiGroupVersion {
            group: g.to_string(),
            version: v.to_string(),
        },
        ["__testserver", "faults"] => Route::AdminFaults,
        ["__testserver", "requests"] => Route::AdminRequests,
        ["api", v, rest @ ..] => resource("", v, rest),
        ["apis", g, v, rest @ ..] => resource(g, v, rest),
        _ => Route::NotFound,
    }
}

fn resource(group: &str, version: &str, rest: &[&str]) -> Route {
    if rest.iter().any(|s| s.is_empty()) {
        return Route::NotFound;
    }
    let mut namespace = None;
    let mut parts = rest;
    // `namespaces/{ns}/{plural}...` unless it is a namespace's own
    // subresource (`namespaces/{ns}/status`).
    if parts.len() > 2 && parts[0] == "namespaces" && !matches!(parts[2], "status" | "finalize") {
        namespace = Some(parts[1].to_string());
        parts = &parts[2..];
    }
    let (plural, name, sub) = match parts {
        [p] => (*p, None, None),
        [p, n] => (*p, Some(n.to_string()), None),
        [p, n, s] => (*p, Some(n.to_string()), Some(s.to_string())),
        _ => return Route::NotFound,
    };
    Route::Resource(ResourcePath {
        group: group.to_string(),
        version: version.to_string(),
        namespace,
        plural: plural.to_string(),
        name,
        subresource: sub,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rp(g: &str, ns: Option<&str>, p: &str, n: Option<&str>, s: Option<&str>) -> Route {
        Route::Resource(ResourcePath {
            group: g.into(),
            version: "v1".into(),
            namespace: ns.map(Into::into),
            plural: p.into(),
            name: n.map(Into::into),
            subresource: s.map(Into::into),
        })
    }

    #[test]
    fn paths() {
        assert_eq!(route("/api"), Route::CoreVersions);
        assert_eq!(
            route("/api/v1/configmaps"),
            rp("", None, "configmaps", None, None)
        );
        assert_eq!(
            route("/api/v1/namespaces/a/configmaps/b"),
            rp("", Some("a"), "configmaps", Some("b"), None)
        );
        assert_eq!(
            route("/api/v1/namespaces/a"),
            rp("", None, "namespaces", Some("a"), None)
        );
        assert_eq!(
            route("/api/v1/namespaces/a/status"),
            rp("", None, "namespaces", Some("a"), Some("status"))
        );
        assert_eq!(
            route("/apis/g/v1/namespaces/a/things/b/scale"),
            rp("g", Some("a"), "things", Some("b"), Some("scale"))
        );
        assert_eq!(route("/apis/g/v1/a/b/c/d"), Route::NotFound);
        assert_eq!(route("/nope"), Route::NotFound);
    }
}
