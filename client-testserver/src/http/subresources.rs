//! Handlers of the subresources that are not a part of the object
//! (`registry::subresources::Route`): binding, eviction, log, token, and
//! the ones that need a node. `/status`, `/scale` and the part writes go
//! through the verbs of `resources.rs`.

use bytes::Bytes;
use http::{HeaderValue, header};

use crate::error::ApiError;
use crate::http::handlers::{Resp, bytes_response, decode_body, json_response};
use crate::http::resources::Call;
use crate::registry::subresources::{LogRequest, Route, no_node};

/// Serves `route` on object `name`; the router has checked the verb.
pub(crate) fn serve(
    c: &Call<'_>,
    route: Route,
    name: &str,
    sub: Option<&str>,
) -> Result<Resp, ApiError> {
    let backend = &c.state.backend;
    match route {
        Route::Binding => {
            let body = decode_body(&c.req)?;
            let status = backend.bind_pod(c.ns(), name, &body, c.dry_run)?;
            Ok(json_response(201, &status))
        }
        Route::Eviction => {
            let body = decode_body(&c.req)?;
            let status = backend.evict_pod(c.ns(), name, &body, c.dry_run)?;
            Ok(json_response(201, &status))
        }
        Route::Token => {
            let body = decode_body(&c.req)?;
            let token = backend.create_token(c.ns(), name, &body)?;
            Ok(json_response(201, &token))
        }
        Route::Log => {
            let req = LogRequest {
                container: c.req.query.get("container"),
            };
            let text = backend.pod_log(c.ns(), name, &req)?;
            let mut r = bytes_response(200, Bytes::from(text));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            Ok(r)
        }
        Route::Node => Err(no_node(
            backend,
            &c.kind,
            c.ns(),
            name,
            sub.unwrap_or_default(),
        )),
        // Served by the verbs in `resources.rs`.
        Route::Part(_) | Route::Scale => Err(ApiError::method_not_allowed_here()),
    }
}
