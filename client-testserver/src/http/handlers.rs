//! HTTP entry point: authentication, body limits, the request log,
//! discovery and admin routes; resource paths go to `resources.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::discovery;
use crate::error::ApiError;
use crate::http::body::Body;
use crate::http::request_log::LoggedRequest;
use crate::http::router::{Route, route};
use crate::http::state::State;

pub(crate) type Resp = Response<Body>;

pub(crate) fn json_response(code: u16, v: &Value) -> Resp {
    bytes_response(code, Bytes::from(serde_json::to_vec(v).unwrap_or_default()))
}

pub(crate) fn bytes_response(code: u16, b: Bytes) -> Resp {
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
pub(crate) struct Query(HashMap<String, String>);

impl Query {
    pub(crate) fn parse(q: &str) -> Query {
        Query(form_urlencoded::parse(q.as_bytes()).into_owned().collect())
    }
    pub(crate) fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    /// A boolean option, converted as apimachinery converts one: present
    /// and neither `false` nor `0` (any case) is true, even when empty.
    pub(crate) fn flag(&self, k: &str) -> bool {
        crate::http::list_query::query_bool(self.get(k)).unwrap_or(false)
    }
    pub(crate) fn dry_run(&self) -> bool {
        self.get("dryRun") == Some("All")
    }
}

/// Handles one request.
pub(crate) async fn handle<B>(state: Arc<State>, req: Request<B>, peer_authenticated: bool) -> Resp
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
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
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
        user_agent,
        body,
    };
    match r {
        Route::CoreVersions if discovery::aggregated::wanted(&req.accept) => {
            aggregated_response(&discovery::aggregated::core(reg))
        }
        Route::Groups if discovery::aggregated::wanted(&req.accept) => {
            aggregated_response(&discovery::aggregated::apis(reg))
        }
        Route::CoreVersions => json_response(200, &discovery::core_versions()),
        Route::Groups => json_response(200, &discovery::group_list(reg)),
        Route::Group(g) => discovery::group(reg, &g)
            .map(|d| json_response(200, &d))
            .unwrap_or_else(plain_not_found),
        Route::ResourceList { group, version } => discovery::resource_list(reg, &group, &version)
            .map(|d| json_response(200, &d))
            .unwrap_or_else(plain_not_found),
        Route::OpenApiIndex => json_response(200, &discovery::openapi_index(&state.backend)),
        Route::OpenApiGroupVersion { group, version } => {
            discovery::openapi_group_version(&state.backend, &group, &version)
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
        Route::Resource(rp) => crate::http::resources::resource(state.clone(), rp, req)
            .await
            .unwrap_or_else(|e| match e {
                Failure::PlainNotFound => plain_not_found(),
                Failure::Api(e) => error_response(&e),
            }),
        Route::Health | Route::Version | Route::NotFound => plain_not_found(),
    }
}

/// An aggregated discovery document, its type named in `Content-Type`.
fn aggregated_response(doc: &Value) -> Resp {
    let mut r = json_response(200, doc);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(discovery::aggregated::CONTENT_TYPE),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    r
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
            match serde_json::from_value::<crate::http::faults::Fault>(v) {
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

/// A request's parts the resource handlers read.
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) query: Query,
    pub(crate) content_type: Option<String>,
    pub(crate) accept: String,
    pub(crate) user_agent: String,
    pub(crate) body: Bytes,
}

/// How a resource request failed.
pub(crate) enum Failure {
    /// Plain-text `404 page not found` (unknown path or wrong scope).
    PlainNotFound,
    /// A Status error.
    Api(ApiError),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

pub(crate) fn media_type(ct: Option<&str>) -> String {
    ct.unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn decode_body(req: &Req) -> Result<Value, ApiError> {
    let mt = media_type(req.content_type.as_deref());
    match mt.as_str() {
        "application/json" | "" | "*/*" => serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request could not be decoded as JSON: {e}"
            ))
        }),
        "application/yaml" | "application/x-yaml" | "text/yaml" => {
            crate::http::yaml_depth::check(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the request could not be decoded as YAML: {e}"
                ))
            })?;
            serde_yaml_ng::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the request could not be decoded as YAML: {e}"
                ))
            })
        }
        // kubectl's typed generators (create deployment, role, ...; auth can-i).
        "application/vnd.kubernetes.protobuf" => {
            crate::http::protobuf::decode(&req.body).map_err(|e| match e {
                // Not a built-in kind: a custom resource, whose serializers
                // take JSON and YAML only.
                crate::http::protobuf::ProtoError::Unsupported { .. } => {
                    ApiError::unsupported_media_type(&["application/json", "application/yaml"])
                }
                e => ApiError::bad_request(e.to_string()),
            })
        }
        _ => Err(ApiError::unsupported_media_type(&[
            "application/json",
            "application/yaml",
            "application/vnd.kubernetes.protobuf",
        ])),
    }
}
