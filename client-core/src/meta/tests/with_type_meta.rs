//! The `apiVersion`/`kind` serializer adapter and apply bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::resource::{Cluster, Resource};
use crate::test_fixtures::Widget;
use crate::{ObjectMeta, WithTypeMeta, apply_body};

#[test]
fn derived_struct_gets_type_meta_first() {
    let w = Widget::new("a", 2);
    let out = serde_json::to_vec(&WithTypeMeta(&w)).unwrap();
    assert!(out.starts_with(br#"{"apiVersion":"example.com/v1","kind":"Widget","#));
    assert_eq!(
        out,
        br#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"default"},"spec":{"size":2}}"#
    );
    // Reads ignore them.
    let back: Widget = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, w);
}

/// A resource whose `Serialize` goes through `serialize_map` (because of `flatten`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Flat {
    metadata: ObjectMeta,
    #[serde(flatten)]
    extra: BTreeMap<String, u32>,
}

impl Resource for Flat {
    const GROUP: &'static str = "";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "v1";
    const KIND: &'static str = "Flat";
    const PLURAL: &'static str = "flats";
    const SINGULAR: &'static str = "flat";
    const SHORT_NAMES: &'static [&'static str] = &[];
    const CATEGORIES: &'static [&'static str] = &[];
    type Scope = Cluster;
    type Meta = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

#[test]
fn flattened_struct_goes_through_serialize_map() {
    let f = Flat {
        metadata: ObjectMeta::named("x"),
        extra: [("b".to_owned(), 2), ("a".to_owned(), 1)].into(),
    };
    let out = serde_json::to_string(&WithTypeMeta(&f)).unwrap();
    assert_eq!(
        out,
        r#"{"apiVersion":"v1","kind":"Flat","metadata":{"name":"x"},"a":1,"b":2}"#
    );
    // Pretty printing goes through the same path.
    let pretty = serde_json::to_string_pretty(&WithTypeMeta(&f)).unwrap();
    assert!(pretty.starts_with("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Flat\","));
}

/// A resource that (wrongly) serializes as a newtype over a string.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct NotAnObject(String, #[serde(skip)] ObjectMeta);

impl Resource for NotAnObject {
    const GROUP: &'static str = "";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "v1";
    const KIND: &'static str = "Odd";
    const PLURAL: &'static str = "odds";
    const SINGULAR: &'static str = "odd";
    const SHORT_NAMES: &'static [&'static str] = &[];
    const CATEGORIES: &'static [&'static str] = &[];
    type Scope = Cluster;
    type Meta = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.1
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.1
    }
}

#[test]
fn non_objects_are_a_clear_error() {
    let odd = NotAnObject("x".into(), ObjectMeta::default());
    let err = serde_json::to_string(&WithTypeMeta(&odd)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("v1 Odd"), "{msg}");
    assert!(msg.contains("not as a struct or map"), "{msg}");
}

#[test]
fn apply_body_sets_type_meta_and_drops_managed_fields() {
    let mut w = Widget::new("a", 1);
    w.metadata.managed_fields = vec![Default::default()];
    w.metadata.resource_version = Some("5".into());
    let body = apply_body::<Widget>(&w).unwrap();
    assert_eq!(
        body,
        br#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a","namespace":"default","resourceVersion":"5"},"spec":{"size":1}}"#
    );

    let partial = serde_json::json!({
        "apiVersion": "wrong/v0",
        "metadata": {"name": "a", "managedFields": [{"manager": "m"}]},
    });
    let body = apply_body::<Widget>(&partial).unwrap();
    assert_eq!(
        body,
        br#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"}}"#
    );

    assert!(apply_body::<Widget>(&[1, 2]).is_err());
    assert!(apply_body::<Widget>(&"text").is_err());
}
