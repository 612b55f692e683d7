// schema, validation(..), versions(..), storage, served, deprecated and
// deprecation_warning: one CRD with two versions, generated schemas and a
// root CEL rule; crd() and crd_yaml() return Results.
#![deny(missing_docs, warnings)]
//! A crate that publishes a CRD.

use client_core::ObjectMeta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// v1.
#[derive(client_core::Resource, JsonSchema, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    kind = "CronTab",
    schema,
    storage,
    versions(CronTabV1beta1),
    validation(rule = "self.spec.replicas <= 10", message = "at most 10"),
    validation(
        rule = "self.spec.replicas >= 0",
        message_expression = "'negative: ' + string(self.spec.replicas)",
        reason = "FieldValueForbidden",
        field_path = ".spec.replicas"
    )
)]
pub struct CronTab {
    metadata: ObjectMeta,
    spec: Spec,
}

/// v1beta1.
#[derive(client_core::Resource, JsonSchema, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1beta1",
    kind = "CronTab",
    schema,
    served = true,
    deprecated,
    deprecation_warning = "use v1"
)]
pub struct CronTabV1beta1 {
    metadata: ObjectMeta,
    spec: Spec,
}

/// The spec.
#[derive(JsonSchema, Serialize, Deserialize)]
pub struct Spec {
    /// Copies.
    pub replicas: i32,
}

fn main() -> Result<(), client_core::schema::CrdError> {
    let crd = CronTab::crd()?;
    assert_eq!(crd.spec.versions.len(), 2);
    assert!(CronTab::crd_yaml()?.starts_with("apiVersion: apiextensions.k8s.io/v1\n"));
    let single = CronTabV1beta1::crd()?;
    assert!(single.spec.versions[0].storage);
    Ok(())
}
