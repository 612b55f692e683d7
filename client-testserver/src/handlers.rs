//! HTTP handlers: authentication, body limits, fault injection, routing to
//! the verbs, and encoding answers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::body::Body;
use crate::discovery;
use crate::error::ApiError;
use crate::faults::{FaultAction, Faults};
use crate::kinds::ResourceKind;
use crate::reqlog::{LoggedRequest, RequestLog};
use crate::router::{ResourcePath, Route, route};
use crate::verbs::{Backend, Deleted, ListOptions, Part, PatchType, parse};
use crate::watch::{self, WatchParams, WatchTarget};

/// Server-wide settings the handlers read.
#[derive(Clone, Debug)]
pub struct Settings {
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
pub struct State {
    /// Store and served resources.
    pub backend: Backend,
    /// Fault rules.
    pub faults: Faults,
    /// Request log.
    pub log: RequestLog,
    /// Settings.
    pub settings: Settings,
}

type Resp = Response<Body>;

fn json_response(code: u16, v: &Value) -> Resp {
    bytes_response(code, Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
}

fn bytes_response(code: u16, b: Bytes) -> Resp {
    let mut r = Response::new(Body::full(b));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn plain_not_found() -> Resp {
    let mut r = Response::new(Body::full("404 page not found\n"));
    *r.status_mut() = StatusCode::NOT_FOUND;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn error_response(e: &ApiError) -> Resp {
    let mut r = json_response(e.code, &e.to_status());
    if let Some(v) = e
        .retry_after
        .and_then(|ra| HeaderValue::from_str(&ra.to_string()).ok())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Query parameters (last value wins).
struct Query(HashMap<String, String>);

impl Query {
    fn parse(q: &str) -> Query {
        Query(form_urlencoded::parse(q.as_bytes()).into_owned().collect())
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some("true" | "1"))
    }
    fn dry_run(&self) -> bool {
        self.get("dryRun") == Some("All")
    }
}

/// Handles one request.
pub async fn handle<B>(state: Arc<State>, req: Request<B>, peer_authenticated: bool) -> Resp
where
    B: http_body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or_default().to_string();
    let r = route(&path);
    if matches!(r, Route::Health) {
        let mut resp = Response::new(Body::full("ok"));
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        return resp;
    }
    if matches!(r, Route::Version) {
        return json_response(200, &discovery::version());
    }
    let auth_header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let need_auth = state.settings.token.is_some() || state.settings.client_cert_auth;
    if need_auth {
        let token_ok = match (&state.settings.token, &auth_header) {
            (Some(t), Some(h)) => h.strip_prefix("Bearer ").map(str::trim) == Some(t.as_str()),
            _ => false,
        };
        let cert_ok = state.settings.client_cert_auth && peer_authenticated;
        if !token_ok && !cert_ok {
            return error_response(&ApiError::unauthorized());
        }
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let limit = state.settings.max_body_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return error_response(&ApiError::too_large(limit));
    }
    let body = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return error_response(&ApiError::too_large(limit));
            }
            return error_response(&ApiError::bad_request(format!(
                "error reading the request body: {e}"
            )));
        }
    };
    if !matches!(r, Route::AdminFaults | Route::AdminRequests) {
        state.log.push(LoggedRequest {
            method: parts.method.to_string(),
            path: path.clone(),
            query: raw_query.clone(),
            content_type: content_type.clone(),
            authorization: auth_header.map(|_| "<redacted>".to_string()),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    let query = Query::parse(&raw_query);
    let reg = &state.backend.registry;
    let req = Req {
        method: parts.method,
        query,
        content_type,
        accept,
        body,
    };
    match r {
        Route::CoreVersions => json_response(200, &discovery::core_versions()),
        Route::Groups => json_response(200, &discovery::group_list(reg)),
        Route::Group(g) => discovery::group(reg, &g)
            .map(|d| json_response(200, &d))
            .unwrap_or_else(plain_not_found),
        Route::ResourceList { group, version } => discovery::resource_list(reg, &group, &version)
            .map(|d| json_response(200, &d))
            .unwrap_or_else(plain_not_found),
        Route::OpenApiIndex => json_response(200, &discovery::openapi_index(reg)),
        Route::OpenApiGroupVersion { group, version } => {
            discovery::openapi_group_version(reg, &group, &version)
                .map(|d| json_response(200, &d))
                .unwrap_or_else(plain_not_found)
        }
        Route::AdminFaults => admin_faults(&state, &req),
        Route::AdminRequests => {
            let all = state.log.all();
            if req.method == Method::DELETE {
                state.log.clear();
            }
            json_response(200, &serde_json::to_value(all).unwrap_or_default())
        }
        Route::Resource(rp) => resource(&state, rp, req).await.unwrap_or_else(|e| match e {
            Failure::PlainNotFound => plain_not_found(),
            Failure::Api(e) => error_response(&e),
        }),
        Route::Health | Route::Version | Route::NotFound => plain_not_found(),
    }
}

fn admin_faults(state: &State, req: &Req) -> Resp {
    match req.method {
        Method::POST => {
            let v: Value = match serde_json::from_slice(&req.body) {
                Ok(v) => v,
                Err(e) => return error_response(&ApiError::bad_request(e.to_string())),
            };
            if v.get("compact").and_then(Value::as_bool) == Some(true) {
                state.faults.compact();
                return json_response(200, &json!({"compacted": true}));
            }
            match serde_json::from_value::<crate::faults::Fault>(v) {
                Ok(f) => {
                    state.faults.add(f);
                    json_response(201, &json!({"added": true}))
                }
                Err(e) => error_response(&ApiError::bad_request(e.to_string())),
            }
        }
        Method::DELETE => {
            state.faults.clear();
            json_response(200, &json!({"cleared": true}))
        }
        _ => error_response(&ApiError::new(
            405,
            "MethodNotAllowed",
            "use POST or DELETE",
        )),
    }
}

struct Req {
    method: Method,
    query: Query,
    content_type: Option<String>,
    accept: String,
    body: Bytes,
}

enum Failure {
    PlainNotFound,
    Api(ApiError),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

fn media_type(ct: Option<&str>) -> String {
    ct.unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn decode_body(req: &Req) -> Result<Value, ApiError> {
    let mt = media_type(req.content_type.as_deref());
    match mt.as_str() {
        "application/json" | "" | "*/*" => serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request could not be decoded as JSON: {e}"
            ))
        }),
        "application/yaml" | "application/x-yaml" | "text/yaml" => {
            serde_yaml_ng::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the request could not be decoded as YAML: {e}"
                ))
            })
        }
        _ => Err(ApiError::unsupported_media_type(&[
            "application/json",
            "application/yaml",
        ])),
    }
}

fn verb_of(method: &Method, rp: &ResourcePath, watch: bool) -> &'static str {
    match (method, rp.name.is_some()) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if watch => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => "unknown",
    }
}

async fn resource(state: &State, rp: ResourcePath, req: Req) -> Result<Resp, Failure> {
    let backend = &state.backend;
    let Some(kind) = backend.registry.lookup(&rp.group, &rp.version, &rp.plural) else {
        return Err(Failure::PlainNotFound);
    };
    if rp.namespace.is_some() && !kind.namespaced {
        return Err(Failure::PlainNotFound);
    }
    let all_ns = kind.namespaced && rp.namespace.is_none();
    let watch = req.query.flag("watch");
    let verb = verb_of(&req.method, &rp, watch);
    if all_ns && !matches!(verb, "list" | "watch") {
        return Err(Failure::PlainNotFound);
    }
    let part = match rp.subresource.as_deref() {
        None => None,
        Some("status") if kind.status_subresource => Some(Part::Status),
        Some("scale") if kind.scale.is_some() => None,
        Some(_) => {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
            .into());
        }
    };
    let is_scale = rp.subresource.as_deref() == Some("scale");
    let mut drop_after = None;
    for action in state.faults.take(verb, &rp.plural) {
        match action {
            FaultAction::Latency { millis } => {
                tokio::time::sleep(Duration::from_millis(millis)).await;
            }
            FaultAction::Status {
                code,
                retry_after_seconds,
            } => {
                let mut e = match code {
                    429 => ApiError::too_many_requests(retry_after_seconds.unwrap_or(1)),
                    503 => ApiError::new(
                        503,
                        "ServiceUnavailable",
                        "the server is currently unable to handle the request",
                    ),
                    504 => ApiError::new(
                        504,
                        "Timeout",
                        "the server was unable to return a response in the time allotted",
                    ),
                    c => ApiError::new(
                        c,
                        "InternalError",
                        "an error on the server has prevented the request from succeeding (injected fault)",
                    ),
                };
                if code != 429 {
                    e.retry_after = retry_after_seconds;
                }
                return Err(e.into());
            }
            FaultAction::DropWatch { after_events } => drop_after = Some(after_events),
        }
    }
    let ns = rp.namespace.as_deref();
    let dry = req.query.dry_run();
    let version = rp.version.as_str();
    let present = |v: Value| backend.present(&kind, version, v);
    match (verb, rp.name.as_deref()) {
        ("get", Some(name)) => {
            if is_scale {
                return Ok(json_response(200, &backend.get_scale(&kind, ns, name)?));
            }
            let obj = present(backend.get(&kind, ns, name)?);
            if let Some(t) =
                crate::output::table_for(&kind, &req.accept, req.query.get("includeObject"))
            {
                return Ok(json_response(200, &t.build(&[obj], None, None)));
            }
            Ok(json_response(200, &obj))
        }
        ("list", None) => list(state, &kind, version, ns, &req),
        ("watch", None) => {
            let options = ListOptions::parse(
                &kind,
                req.query.get("labelSelector"),
                req.query.get("fieldSelector"),
            )?;
            let send_initial = req.query.flag("sendInitialEvents");
            if send_initial && req.query.get("resourceVersionMatch") != Some("NotOlderThan") {
                return Err(ApiError::invalid(
                    "meta.k8s.io",
                    "ListOptions",
                    "",
                    &[(
                        "resourceVersionMatch".into(),
                        "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan".into(),
                    )],
                )
                .into());
            }
            let rv = match req.query.get("resourceVersion").filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(s.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!("invalid resource version: {s}"))
                })?),
            };
            let timeout = req
                .query
                .get("timeoutSeconds")
                .and_then(|s| s.parse::<u64>().ok())
                .map(Duration::from_secs);
            let params = WatchParams {
                resource_version: rv,
                send_initial_events: send_initial,
                bookmarks: req.query.flag("allowWatchBookmarks"),
                timeout,
                bookmark_interval: state.settings.bookmark_interval,
                drop_after,
                transform: crate::output::watch_transform(
                    &kind,
                    &req.accept,
                    req.query.get("includeObject"),
                ),
            };
            let target = WatchTarget {
                kind: kind.clone(),
                version: version.to_string(),
                namespace: rp.namespace.clone(),
                options,
            };
            let mut r = Response::new(watch::start(backend.clone(), target, params));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(r)
        }
        ("create", None) => {
            let body = decode_body(&req)?;
            let obj = backend.create(&kind, version, ns, body, dry)?;
            Ok(json_response(201, &obj))
        }
        ("update", Some(name)) => {
            let body = decode_body(&req)?;
            if is_scale {
                let obj = backend.update_scale(&kind, ns, name, |_| Ok(body), dry)?;
                return Ok(json_response(200, &obj));
            }
            let obj = backend.update(
                &kind,
                version,
                ns,
                name,
                body,
                part.unwrap_or(Part::Main),
                dry,
            )?;
            Ok(json_response(200, &obj))
        }
        ("patch", Some(name)) => {
            let ptype = patch_type(&kind, req.content_type.as_deref())?;
            let patch: Value = serde_json::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the request could not be decoded as JSON: {e}"
                ))
            })?;
            if is_scale {
                let obj = backend.update_scale(
                    &kind,
                    ns,
                    name,
                    move |mut scale| {
                        apply_patch(&mut scale, ptype, &patch)?;
                        Ok(scale)
                    },
                    dry,
                )?;
                return Ok(json_response(200, &obj));
            }
            let obj = backend.patch(
                &kind,
                version,
                ns,
                name,
                ptype,
                patch,
                part.unwrap_or(Part::Main),
                dry,
            )?;
            Ok(json_response(200, &obj))
        }
        ("delete", Some(name)) => {
            let options: Value = if req.body.is_empty() {
                json!({})
            } else {
                serde_json::from_slice(&req.body).map_err(|e| {
                    ApiError::bad_request(format!(
                        "the body of the request could not be decoded as JSON: {e}"
                    ))
                })?
            };
            let dry = dry
                || options
                    .get("dryRun")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|v| v == "All"));
            match backend.delete(&kind, ns, name, &options, dry)? {
                Deleted::Pending(obj) => Ok(json_response(200, &present(obj))),
                Deleted::Gone(obj) => {
                    if kind.custom {
                        return Ok(json_response(200, &present(obj)));
                    }
                    let uid = obj.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
                    let mut details = json!({"name": name, "kind": kind.plural, "uid": uid});
                    if !kind.group.is_empty() {
                        details["group"] = json!(kind.group);
                    }
                    Ok(json_response(
                        200,
                        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
                    ))
                }
            }
        }
        ("deletecollection", None) => {
            let options = ListOptions::parse(
                &kind,
                req.query.get("labelSelector"),
                req.query.get("fieldSelector"),
            )?;
            let (page, _) = backend
                .store
                .page(&kind.resource(), ns, None, None, None, |b| {
                    options.is_empty() || options.matches(&kind, &parse(b))
                })
                .map_err(|_| ApiError::internal("store snapshot unavailable"))?;
            let mut items = Vec::new();
            for ((ons, oname), _) in page.items {
                let ons = (!ons.is_empty()).then_some(ons);
                match backend.delete(&kind, ons.as_deref(), &oname, &json!({}), dry) {
                    Ok(Deleted::Gone(o) | Deleted::Pending(o)) => items.push(present(o)),
                    Err(e) if e.code == 404 => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(json_response(
                200,
                &json!({
                    "apiVersion": kind.api_version(version),
                    "kind": format!("{}List", kind.kind),
                    "metadata": {"resourceVersion": backend.store.current_rv().to_string()},
                    "items": items,
                }),
            ))
        }
        _ => Err(ApiError::method_not_allowed(verb, &kind.group, &kind.plural).into()),
    }
}

fn patch_type(kind: &ResourceKind, ct: Option<&str>) -> Result<PatchType, ApiError> {
    let mt = media_type(ct);
    let accepted: &[&str] = if kind.custom {
        &[
            "application/json-patch+json",
            "application/merge-patch+json",
        ]
    } else {
        &[
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
        ]
    };
    match mt.as_str() {
        "application/json-patch+json" => Ok(PatchType::Json),
        "application/merge-patch+json" => Ok(PatchType::Merge),
        "application/strategic-merge-patch+json" if !kind.custom => Ok(PatchType::StrategicMerge),
        "application/apply-patch+yaml" => Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "server-side apply (application/apply-patch+yaml) is not supported by client-testserver yet; accepted media types include: {}",
                accepted.join(", ")
            ),
        )),
        _ => Err(ApiError::unsupported_media_type(accepted)),
    }
}

fn apply_patch(doc: &mut Value, ptype: PatchType, patch: &Value) -> Result<(), ApiError> {
    match ptype {
        PatchType::Json => crate::patch::json_patch(doc, patch).map_err(crate::verbs::patch_error),
        PatchType::Merge | PatchType::StrategicMerge => {
            crate::patch::merge_patch(doc, patch);
            Ok(())
        }
    }
}

const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

fn list(
    state: &State,
    kind: &Arc<ResourceKind>,
    version: &str,
    ns: Option<&str>,
    req: &Req,
) -> Result<Resp, Failure> {
    let backend = &state.backend;
    let options = ListOptions::parse(
        kind,
        req.query.get("labelSelector"),
        req.query.get("fieldSelector"),
    )?;
    let limit = req
        .query
        .get("limit")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let token = match req.query.get("continue").filter(|s| !s.is_empty()) {
        Some(t) => Some(
            crate::continuation::decode(t)
                .ok_or_else(|| ApiError::bad_request("continue key is not valid: invalid token"))?,
        ),
        None => None,
    };
    // A missing namespace lists empty, as kube-apiserver does.
    // Exact reads at an older revision; any other resourceVersion serves
    // the current state (never 410), as kube-apiserver does.
    let exact = match (
        req.query.get("resourceVersionMatch"),
        req.query.get("resourceVersion"),
    ) {
        (Some("Exact"), Some(rv)) => Some(
            rv.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?,
        ),
        _ => None,
    };
    let (at, after) = match &token {
        Some(t) => (Some(t.rv), Some(t.key.clone())),
        None => (exact, None),
    };
    let page = backend
        .store
        .page(&kind.resource(), ns, at, after.as_ref(), limit, |b| {
            options.is_empty() || options.matches(kind, &parse(b))
        });
    let (page, more) = match page {
        Ok(p) => p,
        Err(_) if token.is_none() => {
            let rv = exact.unwrap_or_default();
            return Err(ApiError::expired(format!(
                "too old resource version: {rv} ({})",
                backend.store.compacted_rv()
            ))
            .into());
        }
        Err(current) => {
            let mut e = ApiError::expired(CONTINUE_EXPIRED);
            if let Some(key) = after {
                e.continue_token = Some(crate::continuation::encode(current, &key));
            }
            return Err(e.into());
        }
    };
    let cont = more.map(|k| crate::continuation::encode(page.rv, &k));
    if let Some(t) = crate::output::table_for(kind, &req.accept, req.query.get("includeObject")) {
        let objs: Vec<Value> = page
            .items
            .iter()
            .map(|(_, b)| backend.present(kind, version, parse(b)))
            .collect();
        return Ok(json_response(
            200,
            &t.build(&objs, Some(&page.rv.to_string()), cont.as_deref()),
        ));
    }
    let mut meta = json!({"resourceVersion": page.rv.to_string()});
    if let Some(c) = &cont {
        meta["continue"] = json!(c);
    }
    let head = json!({
        "apiVersion": kind.api_version(version),
        "kind": format!("{}List", kind.kind),
        "metadata": meta,
    });
    // Splice stored bytes straight into the list when no rewrite is needed.
    let head_bytes = serde_json::to_vec(&head).unwrap_or_default();
    let total: usize = page.items.iter().map(|(_, b)| b.len() + 1).sum();
    let mut out = BytesMut::with_capacity(head_bytes.len() + total + 16);
    out.put_slice(&head_bytes[..head_bytes.len() - 1]);
    out.put_slice(b",\"items\":[");
    for (i, (_, b)) in page.items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        if kind.versions.len() == 1 {
            out.put_slice(b);
        } else {
            let v = backend.present(kind, version, parse(b));
            out.put_slice(&serde_json::to_vec(&v).unwrap_or_default());
        }
    }
    out.put_slice(b"]}");
    Ok(bytes_response(200, out.freeze()))
}
