//! The read path shared by HTTP and `StoreHandle`: selectors, paging,
//! continue tokens and resourceVersion semantics of a list. (A get is
//! `Backend::get`/`get_raw`, shared the same way.)

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::meta::selector::{FieldSelector, LabelSelector};
use crate::registry::Backend;
use crate::registry::backend::parse;
use crate::registry::kind::ResourceKind;
use crate::storage::continuation;

/// Options of a list or watch.
#[derive(Default)]
pub(crate) struct ListOptions {
    /// `labelSelector`.
    pub labels: Option<LabelSelector>,
    /// `fieldSelector`.
    pub fields: Option<FieldSelector>,
}

impl ListOptions {
    /// Parses the selectors, checking field labels against the kind.
    ///
    /// # Errors
    /// 400 BadRequest for bad syntax or unsupported field labels.
    pub(crate) fn parse(
        kind: &ResourceKind,
        label: Option<&str>,
        field: Option<&str>,
    ) -> Result<ListOptions, ApiError> {
        let labels = match label.filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                Some(LabelSelector::parse(s).map_err(|e| ApiError::bad_request(e.to_string()))?)
            }
            None => None,
        };
        let fields = match field.filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                let f =
                    FieldSelector::parse(s).map_err(|e| ApiError::bad_request(e.to_string()))?;
                if let Some(bad) = f.fields().find(|f| !kind.supports_field(f)) {
                    return Err(ApiError::bad_request(format!(
                        "field label not supported: {bad}"
                    )));
                }
                Some(f)
            }
            None => None,
        };
        Ok(ListOptions { labels, fields })
    }

    /// Whether any selector is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.labels.is_none() && self.fields.is_none()
    }

    /// Whether `obj` satisfies the selectors.
    pub(crate) fn matches(&self, kind: &ResourceKind, obj: &Value) -> bool {
        if let Some(l) = &self.labels {
            let empty = Map::new();
            let labels = obj
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            if !l.matches(labels) {
                return false;
            }
        }
        if let Some(f) = &self.fields
            && !f.matches(|field| kind.field_value(obj, field))
        {
            return false;
        }
        true
    }
}

/// What a list asks for, whoever asks (an HTTP GET on a collection or
/// `StoreHandle::list`): the query parameters of kube-apiserver's
/// `ListOptions` that decide which objects come back.
#[derive(Default)]
pub(crate) struct ListRequest<'a> {
    /// Only this namespace (`None`: all namespaces).
    pub namespace: Option<&'a str>,
    /// `labelSelector` and `fieldSelector`.
    pub selectors: ListOptions,
    /// `limit` (`None` or 0: everything).
    pub limit: Option<usize>,
    /// `continue`.
    pub continue_token: Option<&'a str>,
    /// `resourceVersion`.
    pub resource_version: Option<&'a str>,
    /// `resourceVersionMatch`.
    pub resource_version_match: Option<&'a str>,
}

/// One page of a list: stored objects at one revision.
pub(crate) struct ListPage {
    /// The revision the page was read at.
    pub rv: u64,
    /// The objects' stored JSON, in namespace/name order.
    pub items: Vec<Bytes>,
    /// The continue token of the next page, if there is one.
    pub continue_token: Option<String>,
}

const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

impl Backend {
    /// Lists `kind` with kube-apiserver's semantics: selectors, paging over
    /// a consistent snapshot, `Exact` reads at an older revision (any other
    /// resourceVersion serves the current state, never 410), and a missing
    /// namespace lists empty.
    ///
    /// # Errors
    /// 400 for a bad continue token or resourceVersion, 410 Expired for a
    /// revision or continue token older than the history (with a fresh
    /// token for the latter).
    pub(crate) fn list(
        &self,
        kind: &ResourceKind,
        req: &ListRequest<'_>,
    ) -> Result<ListPage, ApiError> {
        let limit = req.limit.filter(|l| *l > 0);
        let token = match req.continue_token.filter(|s| !s.is_empty()) {
            Some(t) => Some(continuation::decode(t).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: invalid token")
            })?),
            None => None,
        };
        let exact =
            match (req.resource_version_match, req.resource_version) {
                (Some("Exact"), Some(rv)) => Some(rv.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!("invalid resource version: {rv}"))
                })?),
                _ => None,
            };
        let (at, after) = match &token {
            Some(t) => (Some(t.rv), Some(t.key.clone())),
            None => (exact, None),
        };
        let selectors = &req.selectors;
        let page = self.store.page(
            &kind.resource(),
            req.namespace,
            at,
            after.as_ref(),
            limit,
            |b| selectors.is_empty() || selectors.matches(kind, &parse(b)),
        );
        let (page, more) = match page {
            Ok(p) => p,
            Err(_) if token.is_none() => {
                let rv = exact.unwrap_or_default();
                return Err(ApiError::expired(format!(
                    "too old resource version: {rv} ({})",
                    self.store.compacted_rv()
                )));
            }
            Err(current) => {
                let mut e = ApiError::expired(CONTINUE_EXPIRED);
                if let Some(key) = after {
                    e.continue_token = Some(continuation::encode(current, &key));
                }
                return Err(e);
            }
        };
        Ok(ListPage {
            rv: page.rv,
            continue_token: more.map(|k| continuation::encode(page.rv, &k)),
            items: page.items.into_iter().map(|(_, b)| b).collect(),
        })
    }
}
