//! Handlers of resource paths: scope checks, injected faults, then one
//! small function per verb.

use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, BytesMut};
use http::{HeaderValue, Method, Response, header};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::accept::{PartialAs, wants_partial_metadata};
use crate::http::faults::FaultAction;
use crate::http::handlers::{
    Failure, Req, Resp, bytes_response, decode_body, json_response, media_type,
};
use crate::http::list_query::{self, ListQuery};
use crate::http::router::ResourcePath;
use crate::http::state::State;
use crate::http::watch::{self, WatchParams, WatchTarget};
use crate::output::partial;
use crate::registry::backend::{Deleted, Part, PatchType, parse};
use crate::registry::kind::ResourceKind;
use crate::registry::read::{ListOptions, ListRequest};
use crate::registry::subresources::{self, Route};
use crate::registry::writer::Writer;

fn verb_of(method: &Method, named: bool, watch: bool) -> &'static str {
    match (method, named) {
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

/// One resource request, resolved against the served kinds.
pub(crate) struct Call<'a> {
    pub(crate) state: &'a State,
    pub(crate) kind: Arc<ResourceKind>,
    pub(crate) version: String,
    namespace: Option<String>,
    part: Part,
    scale: bool,
    pub(crate) dry_run: bool,
    drop_watch_after: Option<u64>,
    pub(crate) req: Req,
}

impl Call<'_> {
    /// The URL's namespace.
    pub(crate) fn ns(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    fn present(&self, v: Value) -> Value {
        self.state.backend.present(&self.kind, &self.version, v)
    }

    fn selectors(&self) -> Result<ListOptions, ApiError> {
        ListOptions::parse(
            &self.kind,
            self.req.query.get("labelSelector"),
            self.req.query.get("fieldSelector"),
        )
    }

    /// The writer of a create, update or patch: checks `fieldManager`,
    /// `force` and `fieldValidation` as kube-apiserver checks its
    /// `CreateOptions`/`UpdateOptions`/`PatchOptions`.
    fn writer(&self, options_kind: &str, apply: bool) -> Result<Writer, ApiError> {
        let q = &self.req.query;
        let field_manager = q.get("fieldManager");
        let validation = crate::ssa::check_write_options(&crate::ssa::WriteOptions {
            kind: options_kind,
            apply,
            field_manager,
            force: q.get("force").map(|f| matches!(f, "true" | "1")),
            field_validation: q.get("fieldValidation"),
        })?;
        let manager = match field_manager.filter(|m| !m.is_empty()) {
            Some(m) => m.to_string(),
            None => crate::ssa::default_field_manager(&self.req.user_agent),
        };
        let mut w = Writer::new(&manager, validation);
        w.applied = apply;
        w.decoded_body = options_kind != "PatchOptions";
        w.subresource = if self.scale {
            Some("scale")
        } else {
            subresources::part_name(self.part)
        };
        Ok(w)
    }

    fn table(&self) -> Option<crate::output::TableOutput> {
        crate::output::table_for(
            &self.kind,
            &self.req.accept,
            self.req.query.get("includeObject"),
        )
    }
}

/// Serves a resource path. The verb itself (decoding the body, patching,
/// filtering a list) runs on a blocking thread: a request that costs CPU
/// in proportion to its body or the store must not stall the reactor that
/// serves every other connection.
pub(crate) async fn resource(
    state: Arc<State>,
    rp: ResourcePath,
    req: Req,
) -> Result<Resp, Failure> {
    let Some(kind) = state
        .backend
        .registry
        .lookup(&rp.group, &rp.version, &rp.plural)
    else {
        return Err(Failure::PlainNotFound);
    };
    if rp.namespace.is_some() && !kind.namespaced {
        return Err(Failure::PlainNotFound);
    }
    let verb = verb_of(&req.method, rp.name.is_some(), req.query.flag("watch"));
    if kind.namespaced && rp.namespace.is_none() && !matches!(verb, "list" | "watch") {
        return Err(Failure::PlainNotFound);
    }
    let (part, scale, special) = match rp.subresource.as_deref() {
        None if kind.verbs.contains(verb) => (Part::Main, false, None),
        None => return Err(ApiError::method_not_allowed_here().into()),
        Some(name) => {
            let route = kind
                .subresource(name)
                .and_then(|_| subresources::route(name));
            let Some(route) = route else {
                return Err(ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )
                .into());
            };
            if !kind
                .subresource(name)
                .is_some_and(|s| s.verbs.contains(verb))
            {
                return Err(ApiError::method_not_allowed_here().into());
            }
            match route {
                Route::Part(p) => (p, false, None),
                Route::Scale => (Part::Main, true, None),
                other => (Part::Main, false, Some(other)),
            }
        }
    };
    let drop_watch_after = injected_faults(&state, verb, &rp.plural).await?;
    let served = tokio::task::spawn_blocking(move || {
        let call = Call {
            state: &state,
            dry_run: req.query.dry_run(),
            kind,
            version: rp.version,
            namespace: rp.namespace,
            part,
            scale,
            drop_watch_after,
            req,
        };
        match (special, rp.name.as_deref()) {
            (Some(route), Some(name)) => {
                crate::http::subresources::serve(&call, route, name, rp.subresource.as_deref())
            }
            _ => serve_verb(&call, verb, rp.name.as_deref()),
        }
    })
    .await;
    match served {
        Ok(r) => Ok(r?),
        Err(_) => Err(ApiError::internal("the request handler stopped before it answered").into()),
    }
}

/// Waits (on this blocking thread) until the store reaches revision
/// `wanted`, as kube-apiserver's watch cache waits before serving a list
/// at a resourceVersion it has not seen.
///
/// # Errors
/// 504 "Too large resource version" after [`list_query::FRESHNESS_WAIT`].
fn wait_until_fresh(state: &State, wanted: u64) -> Result<(), ApiError> {
    let store = &state.backend.store;
    if store.current_rv() >= wanted {
        return Ok(());
    }
    let mut changes = store.subscribe();
    let reached = tokio::runtime::Handle::try_current().is_ok_and(|rt| {
        rt.block_on(async {
            let wait = changes.wait_for(|rv| *rv >= wanted);
            matches!(
                tokio::time::timeout(list_query::FRESHNESS_WAIT, wait).await,
                Ok(Ok(_))
            )
        })
    });
    if reached {
        Ok(())
    } else {
        Err(list_query::too_large_resource_version(
            wanted,
            store.current_rv(),
        ))
    }
}

/// Runs one verb of a resolved call.
fn serve_verb(call: &Call<'_>, verb: &str, name: Option<&str>) -> Result<Resp, ApiError> {
    match (verb, name) {
        ("get", Some(name)) => get(call, name),
        ("list", None) => list(call),
        ("watch", None) => watch_collection(call),
        ("create", None) => create(call),
        ("update", Some(name)) => update(call, name),
        ("patch", Some(name)) => patch(call, name),
        ("delete", Some(name)) => delete(call, name),
        ("deletecollection", None) => delete_collection(call),
        _ => Err(ApiError::method_not_allowed(
            verb,
            &call.kind.group,
            &call.kind.plural,
        )),
    }
}

/// Applies the fault rules matching this request: sleeps for latency,
/// fails for status faults, and returns a watch drop count.
async fn injected_faults(state: &State, verb: &str, plural: &str) -> Result<Option<u64>, ApiError> {
    let mut drop_after = None;
    for action in state.faults.take(verb, plural) {
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
                return Err(e);
            }
            FaultAction::DropWatch { after_events } => drop_after = Some(after_events),
        }
    }
    Ok(drop_after)
}

fn get(c: &Call<'_>, name: &str) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    if c.scale {
        return Ok(json_response(
            200,
            &backend.get_scale(&c.kind, c.ns(), name)?,
        ));
    }
    if let Some((asked, version)) = wants_partial_metadata(&c.req.accept) {
        if asked == PartialAs::List {
            return Err(partial::not_acceptable(asked));
        }
        let obj = c.present(backend.get(&c.kind, c.ns(), name)?);
        return Ok(json_response(200, &partial::object(&obj, version)));
    }
    match c.table() {
        None => {
            let raw = backend.get_raw(&c.kind, c.ns(), name)?;
            Ok(bytes_response(
                200,
                backend.encode_for(&c.kind, &c.version, &raw),
            ))
        }
        Some(t) => {
            let obj = c.present(backend.get(&c.kind, c.ns(), name)?);
            Ok(json_response(200, &t.build(&[obj], None, None)))
        }
    }
}

fn watch_collection(c: &Call<'_>) -> Result<Resp, ApiError> {
    let q = &c.req.query;
    let lq = ListQuery::decode(q)?;
    lq.validate()?;
    let options = c.selectors()?;
    let params = WatchParams {
        resource_version: lq.revision()?,
        send_initial_events: lq.send_initial_events == Some(true),
        bookmarks: lq.allow_watch_bookmarks,
        timeout: lq
            .timeout_seconds
            .and_then(|s| u64::try_from(s).ok())
            .map(Duration::from_secs),
        bookmark_interval: c.state.settings.bookmark_interval,
        drop_after: c.drop_watch_after,
        transform: match partial::watch_transform(&c.req.accept)? {
            Some(t) => Some(t),
            None => crate::output::watch_transform(&c.kind, &c.req.accept, q.get("includeObject")),
        },
    };
    let target = WatchTarget {
        kind: c.kind.clone(),
        version: c.version.clone(),
        namespace: c.namespace.clone(),
        options,
    };
    let mut r = Response::new(watch::start(c.state.backend.clone(), target, params));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(r)
}

/// A JSON response carrying the writer's `Warning` headers.
fn written(code: u16, obj: &Value, w: &Writer) -> Resp {
    let mut r = json_response(code, obj);
    for text in w.warnings() {
        if let Ok(v) = HeaderValue::from_str(&crate::schema::warning_header_value(&text)) {
            r.headers_mut().append(header::WARNING, v);
        }
    }
    r
}

fn create(c: &Call<'_>) -> Result<Resp, ApiError> {
    let mut w = c.writer("CreateOptions", false)?;
    w.body = crate::types::body_index::BodyIndex::scan(&c.req.body);
    let body = decode_body(&c.req)?;
    let obj = c
        .state
        .backend
        .create_as(&c.kind, &c.version, c.ns(), body, c.dry_run, &w)?;
    Ok(written(201, &obj, &w))
}

fn update(c: &Call<'_>, name: &str) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    let mut w = c.writer("UpdateOptions", false)?;
    w.body = crate::types::body_index::BodyIndex::scan(&c.req.body);
    let body = decode_body(&c.req)?;
    let obj = if c.scale {
        crate::registry::backend::check_typed_as("autoscaling/v1", "Scale", &body)?;
        backend.update_scale(&c.kind, c.ns(), name, |_| Ok(body), c.dry_run, &w)?
    } else {
        backend.update(
            &c.kind,
            &c.version,
            c.ns(),
            name,
            body,
            c.part,
            c.dry_run,
            &w,
        )?
    };
    Ok(written(200, &obj, &w))
}

/// Server-side apply: the body is YAML (or JSON, a subset).
fn apply(c: &Call<'_>, name: &str) -> Result<Resp, ApiError> {
    let w = c.writer("PatchOptions", true)?;
    if c.scale {
        return Err(ApiError::unsupported_media_type(&[
            "application/json-patch+json",
            "application/merge-patch+json",
        ]));
    }
    crate::http::yaml_depth::check(&c.req.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    let cfg: Value = serde_yaml_ng::from_slice(&c.req.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    let force = c.req.query.flag("force");
    let (obj, created) = c.state.backend.apply(
        &c.kind,
        &c.version,
        c.ns(),
        name,
        cfg,
        c.part,
        force,
        c.dry_run,
        &w,
    )?;
    Ok(written(if created { 201 } else { 200 }, &obj, &w))
}

fn patch(c: &Call<'_>, name: &str) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    let ptype = patch_type(&c.kind, c.req.content_type.as_deref())?;
    if ptype == PatchType::Apply {
        return apply(c, name);
    }
    let mut w = c.writer("PatchOptions", false)?;
    if matches!(ptype, PatchType::Merge | PatchType::StrategicMerge) {
        w.patch_duplicates = crate::types::body_index::BodyIndex::scan(&c.req.body)
            .map(|i| i.repeated_keys())
            .unwrap_or_default();
    }
    let patch: Value = serde_json::from_slice(&c.req.body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request could not be decoded as JSON: {e}"
        ))
    })?;
    let obj = if c.scale {
        backend.update_scale(
            &c.kind,
            c.ns(),
            name,
            move |mut scale| {
                apply_patch(&mut scale, ptype, &patch)?;
                Ok(scale)
            },
            c.dry_run,
            &w,
        )?
    } else {
        backend.patch(
            &c.kind,
            &c.version,
            c.ns(),
            name,
            ptype,
            patch,
            c.part,
            c.dry_run,
            &w,
        )?
    };
    Ok(written(200, &obj, &w))
}

/// The DeleteOptions a delete (or deletecollection) request carries in
/// its body, `{}` without one.
fn delete_options(c: &Call<'_>) -> Result<Value, ApiError> {
    if c.req.body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&c.req.body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request could not be decoded as JSON: {e}"
        ))
    })
}

fn delete(c: &Call<'_>, name: &str) -> Result<Resp, ApiError> {
    let options = delete_options(c)?;
    let dry = c.dry_run
        || options
            .get("dryRun")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v == "All"));
    match c
        .state
        .backend
        .delete(&c.kind, c.ns(), name, &options, dry)?
    {
        Deleted::Pending(obj) => Ok(json_response(200, &c.present(obj))),
        // Custom resources answer with the deleted object, built-ins with
        // a Success Status.
        Deleted::Gone(obj) if c.kind.returns_deleted_object => {
            Ok(json_response(200, &c.present(obj)))
        }
        Deleted::Gone(obj) => {
            let uid = obj.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
            let mut details = json!({"name": name, "kind": c.kind.plural, "uid": uid});
            if !c.kind.group.is_empty() {
                details["group"] = json!(c.kind.group);
            }
            Ok(json_response(
                200,
                &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
            ))
        }
    }
}

fn delete_collection(c: &Call<'_>) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    let options = c.selectors()?;
    // Each object is deleted with the request's DeleteOptions (grace
    // period, propagation policy), as kube-apiserver's DeleteCollection does.
    let delete_with = delete_options(c)?;
    let (page, _) = backend
        .store
        .page(&c.kind.resource(), c.ns(), None, None, None, |b| {
            options.is_empty() || options.matches(&c.kind, &parse(b))
        })
        .map_err(|_| ApiError::internal("store snapshot unavailable"))?;
    let mut items = Vec::new();
    for ((ons, oname), _) in page.items {
        let ons = (!ons.is_empty()).then_some(ons);
        match backend.delete(&c.kind, ons.as_deref(), &oname, &delete_with, c.dry_run) {
            Ok(Deleted::Gone(o) | Deleted::Pending(o)) => items.push(c.present(o)),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(json_response(
        200,
        &json!({
            "apiVersion": c.kind.api_version(&c.version),
            "kind": format!("{}List", c.kind.kind),
            "metadata": {"resourceVersion": backend.store.current_rv().to_string()},
            "items": items,
        }),
    ))
}

fn patch_type(kind: &ResourceKind, ct: Option<&str>) -> Result<PatchType, ApiError> {
    let mt = media_type(ct);
    // kube-apiserver's order: custom resources have no strategic merge.
    let accepted: &[&str] = if !kind.strategic_merge {
        &[
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ]
    } else {
        &[
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml",
        ]
    };
    match mt.as_str() {
        "application/json-patch+json" => Ok(PatchType::Json),
        "application/merge-patch+json" => Ok(PatchType::Merge),
        "application/strategic-merge-patch+json" if kind.strategic_merge => {
            Ok(PatchType::StrategicMerge)
        }
        "application/apply-patch+yaml" => Ok(PatchType::Apply),
        _ => Err(ApiError::unsupported_media_type(accepted)),
    }
}

fn apply_patch(doc: &mut Value, ptype: PatchType, patch: &Value) -> Result<(), ApiError> {
    match ptype {
        PatchType::Json => {
            crate::patch::json_patch(doc, patch).map_err(crate::registry::update::patch_error)
        }
        PatchType::Merge => {
            crate::patch::merge_patch(doc, patch);
            Ok(())
        }
        PatchType::StrategicMerge => crate::patch::strategic(
            doc,
            patch,
            crate::types::kind_node("autoscaling/v1", "Scale"),
        ),
        PatchType::Apply => Err(ApiError::unsupported_media_type(&[
            "application/json-patch+json",
            "application/merge-patch+json",
        ])),
    }
}

fn list(c: &Call<'_>) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    let (kind, version, req) = (&c.kind, c.version.as_str(), &c.req);
    let lq = ListQuery::decode(&req.query)?;
    lq.validate()?;
    if let Some(wanted) = lq.revision()?
        && lq.continue_token.is_none()
    {
        wait_until_fresh(c.state, wanted)?;
    }
    let page = backend.list(
        kind,
        &ListRequest {
            namespace: c.ns(),
            selectors: c.selectors()?,
            limit: usize::try_from(lq.limit).ok(),
            continue_token: lq.continue_token,
            resource_version: lq.resource_version,
            resource_version_match: lq.resource_version_match,
        },
    )?;
    let cont = page.continue_token;
    if let Some((asked, meta_version)) = wants_partial_metadata(&req.accept) {
        if asked == PartialAs::Object {
            return Err(partial::not_acceptable(asked));
        }
        let rv = page.rv.to_string();
        let body = partial::list_from_stored(&page.items, meta_version, &rv, cont.as_deref());
        return Ok(bytes_response(200, body));
    }
    if let Some(t) = crate::output::table_for(kind, &req.accept, req.query.get("includeObject")) {
        let objs: Vec<Value> = page
            .items
            .iter()
            .map(|b| backend.present(kind, version, parse(b)))
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
    let total: usize = page.items.iter().map(|b| b.len() + 1).sum();
    let mut out = BytesMut::with_capacity(head_bytes.len() + total + 16);
    out.put_slice(&head_bytes[..head_bytes.len() - 1]);
    out.put_slice(b",\"items\":[");
    for (i, b) in page.items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.put_slice(&backend.encode_for(kind, version, b));
    }
    out.put_slice(b"]}");
    Ok(bytes_response(200, out.freeze()))
}
