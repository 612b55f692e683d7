//! `serviceaccounts/token` (TokenRequest) and the reading back of the
//! tokens it issues (for TokenReview).
//!
//! A token is shaped as kube's: a JWT whose claims name the service
//! account (`sub`, `aud`, `exp`, `kubernetes.io`), so clients that read the
//! claims work. It is not signed with a key anyone can check (the
//! signature is random bytes): the server itself accepts it only in a
//! TokenReview, not as a credential.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::str_at;

/// The audience of a token request that names none (kube-apiserver's
/// default `--api-audiences`, the issuer).
const ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

/// `TokenRequestSpec.expirationSeconds` when unset (`SetDefaults_TokenRequestSpec`).
const DEFAULT_EXPIRATION: i64 = 3600;

/// The shortest expiration kube accepts: 10 minutes.
const MIN_EXPIRATION: i64 = 600;

/// The longest: 2^32 seconds.
const MAX_EXPIRATION: i64 = 1 << 32;

impl Backend {
    /// Issues a token for service account `name` (`POST
    /// serviceaccounts/{name}/token`): the TokenRequest with `spec`
    /// defaulted and `status.token`, `status.expirationTimestamp` set.
    ///
    /// # Errors
    /// 404 for a missing service account, 422 for an expiration under 10
    /// minutes or over 2^32 seconds.
    pub(crate) fn create_token(
        &self,
        ns: Option<&str>,
        name: &str,
        request: &Value,
    ) -> Result<Value, ApiError> {
        let sa_kind = self
            .registry
            .by_resource("", "serviceaccounts")
            .ok_or_else(|| ApiError::not_found("", "serviceaccounts", name))?;
        let sa = self.get(&sa_kind, ns, name)?;
        let expiration = request
            .pointer("/spec/expirationSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_EXPIRATION);
        let why = if expiration < MIN_EXPIRATION {
            Some("may not specify a duration less than 10 minutes")
        } else if expiration > MAX_EXPIRATION {
            Some("may not specify a duration larger than 2^32 seconds")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(ApiError::invalid(
                "authentication.k8s.io",
                "TokenRequest",
                name,
                &[(
                    "spec.expirationSeconds".into(),
                    format!("Invalid value: {expiration}: {why}"),
                )],
            ));
        }
        let audiences = match request.pointer("/spec/audiences").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => Value::Array(a.clone()),
            _ => json!([ISSUER]),
        };
        let now = jiff::Timestamp::now();
        let iat = now.as_second();
        let exp = iat.saturating_add(expiration);
        let ns = ns.unwrap_or_default();
        let claims = json!({
            "aud": audiences,
            "exp": exp,
            "iat": iat,
            "nbf": iat,
            "iss": ISSUER,
            "sub": format!("system:serviceaccount:{ns}:{name}"),
            "kubernetes.io": {
                "namespace": ns,
                "serviceaccount": {"name": name, "uid": str_at(&sa, "/metadata/uid").unwrap_or_default()},
            },
        });
        let expires = jiff::Timestamp::from_second(exp)
            .map(crate::meta::timefmt::format_rfc3339)
            .unwrap_or_default();
        Ok(json!({
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": null},
            "spec": {
                "audiences": audiences,
                "expirationSeconds": expiration,
                "boundObjectRef": request.pointer("/spec/boundObjectRef").cloned().unwrap_or(Value::Null),
            },
            "status": {"token": jwt(&claims), "expirationTimestamp": expires},
        }))
    }

    /// The service account a token issued here names, if it is one of
    /// ours, unexpired, and its account still exists with the same uid:
    /// `(namespace, name, uid, audiences)`.
    pub(crate) fn token_subject(&self, token: &str) -> Option<(String, String, String, Value)> {
        let payload = token.split('.').nth(1)?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        if claims.get("iss")?.as_str()? != ISSUER
            || claims.get("exp")?.as_i64()? <= jiff::Timestamp::now().as_second()
        {
            return None;
        }
        let ns = str_at(&claims, "/kubernetes.io/namespace")?.to_string();
        let name = str_at(&claims, "/kubernetes.io/serviceaccount/name")?.to_string();
        let uid = str_at(&claims, "/kubernetes.io/serviceaccount/uid")?.to_string();
        let sa_kind = self.registry.by_resource("", "serviceaccounts")?;
        let sa = self.get(&sa_kind, Some(&ns), &name).ok()?;
        (str_at(&sa, "/metadata/uid") == Some(uid.as_str())).then(|| {
            (
                ns,
                name,
                uid,
                claims.get("aud").cloned().unwrap_or(Value::Null),
            )
        })
    }
}

/// A JWT of `claims` with a random signature.
fn jwt(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "kid": "client-testserver"});
    let signature: Vec<u8> = (0..64).map(|_| fastrand::u8(..)).collect();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}
