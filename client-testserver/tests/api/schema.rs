//! CRD schemas on the write path: validation (422 with one cause per
//! field), pruning with `fieldValidation`, defaults on create and update.

use serde_json::{Value, json};

use crate::{CRDS, assert_status, server, within};

pub const WIDGETS: &str = "/apis/demo.example.com/v1/namespaces/default/widgets";

/// A CRD with a structural schema: required, enum, pattern, limits,
/// defaults, a map list keyed by `name` and an atomic list.
pub fn widget_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.demo.example.com"},
        "spec": {
            "group": "demo.example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {
                            "type": "object",
                            "required": ["size"],
                            "properties": {
                                "size": {"type": "integer", "minimum": 1, "maximum": 10},
                                "color": {"type": "string", "enum": ["red", "green", "blue"], "default": "red"},
                                "label": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8},
                                "ports": {
                                    "type": "array",
                                    "x-kubernetes-list-type": "map",
                                    "x-kubernetes-list-map-keys": ["name"],
                                    "items": {"type": "object", "required": ["name"], "properties": {
                                        "name": {"type": "string"},
                                        "port": {"type": "integer"},
                                        "protocol": {"type": "string", "default": "TCP"}
                                    }}
                                },
                                "tags": {"type": "array", "maxItems": 3, "items": {"type": "string"}}
                            }
                        },
                        "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
                    }
                }}
            }]
        }
    })
}

pub fn widget(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "demo.example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec})
}

/// A server with the Widget CRD.
pub async fn widget_server() -> (client_testserver::TestServer, crate::client::Client) {
    let (s, c) = server().await;
    let r = c.post(CRDS, &widget_crd()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    (s, c)
}

fn causes(r: &crate::client::Resp) -> Vec<(String, String, String)> {
    r.json()["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["reason"].as_str().unwrap().to_string(),
                c["field"].as_str().unwrap().to_string(),
                c["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn warnings(r: &crate::client::Resp) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("warning"))
        .map(|(_, v)| v.as_str())
        .collect()
}

#[tokio::test]
async fn schema_violations_are_invalid_with_one_cause_per_field() {
    within(async {
        let (_s, c) = widget_server().await;
        let r = c
            .post(
                WIDGETS,
                &widget("w1", json!({"size": "big", "color": "pink", "label": "ABC", "tags": ["a", "b", "c", "d"]})),
            )
            .await;
        assert_status(
            &r,
            422,
            "Invalid",
            "Widget.demo.example.com \"w1\" is invalid: [spec.color: Unsupported value: \"pink\": supported values: \"red\", \"green\", \"blue\", spec.label: Invalid value: \"ABC\": spec.label in body should match '^[a-z]+$', spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\", spec.tags: Too many: 4: must have at most 3 items]",
        );
        let v = r.json();
        assert_eq!(v["details"]["name"], "w1");
        assert_eq!(v["details"]["group"], "demo.example.com");
        assert_eq!(v["details"]["kind"], "Widget");
        assert_eq!(
            causes(&r),
            vec![
                ("FieldValueNotSupported".into(), "spec.color".into(), "Unsupported value: \"pink\": supported values: \"red\", \"green\", \"blue\"".into()),
                ("FieldValueInvalid".into(), "spec.label".into(), "Invalid value: \"ABC\": spec.label in body should match '^[a-z]+$'".into()),
                ("FieldValueTypeInvalid".into(), "spec.size".into(), "Invalid value: \"string\": spec.size in body must be of type integer: \"string\"".into()),
                ("FieldValueTooMany".into(), "spec.tags".into(), "Too many: 4: must have at most 3 items".into()),
            ]
        );
        // required, minimum, maximum
        let r = c.post(WIDGETS, &widget("w2", json!({"color": "red"}))).await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"w2\" is invalid: spec.size: Required value");
        assert_eq!(causes(&r), vec![("FieldValueRequired".into(), "spec.size".into(), "Required value".into())]);
        let r = c.post(WIDGETS, &widget("w3", json!({"size": 11}))).await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"w3\" is invalid: spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10");
        let r = c.post(WIDGETS, &widget("w4", json!({"size": 0}))).await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"w4\" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1");
        // nothing was stored
        let r = c.get(&format!("{WIDGETS}/w1")).await;
        assert_eq!(r.status, 404);
        // updates are validated too: PUT and merge patch
        let r = c.post(WIDGETS, &widget("ok", json!({"size": 2}))).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let mut body = r.json();
        body["spec"]["size"] = json!(12);
        let r = c.put(&format!("{WIDGETS}/ok"), &body).await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"ok\" is invalid: spec.size: Invalid value: 12: spec.size in body should be less than or equal to 10");
        let r = c
            .patch(&format!("{WIDGETS}/ok"), "application/merge-patch+json", &json!({"spec": {"size": null}}))
            .await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"ok\" is invalid: spec.size: Required value");
        let r = c.get(&format!("{WIDGETS}/ok")).await;
        assert_eq!(r.json()["spec"]["size"], 2);
    })
    .await;
}

#[tokio::test]
async fn unknown_fields_warn_by_default_and_fail_under_strict() {
    within(async {
        let (_s, c) = widget_server().await;
        let body = widget("w", json!({"size": 1, "foo": 1, "bar": {"x": 1}}));
        let r = c.post(WIDGETS, &body).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(
            warnings(&r),
            vec![r#"299 - "unknown field \"spec.bar\"""#, r#"299 - "unknown field \"spec.foo\"""#]
        );
        assert_eq!(r.json()["spec"], json!({"size": 1, "color": "red"}));
        let r = c.get(&format!("{WIDGETS}/w")).await;
        assert_eq!(r.json()["spec"], json!({"size": 1, "color": "red"}));
        assert!(warnings(&r).is_empty());

        let strict = widget("s", json!({"size": 1, "foo": 1}));
        let r = c
            .send("POST", &format!("{WIDGETS}?fieldValidation=Strict"), Some("application/json"), strict.to_string().as_bytes())
            .await;
        assert_status(&r, 400, "BadRequest", "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\"");
        assert_eq!(c.get(&format!("{WIDGETS}/s")).await.status, 404);

        let r = c
            .send("POST", &format!("{WIDGETS}?fieldValidation=Ignore"), Some("application/json"), strict.to_string().as_bytes())
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert!(warnings(&r).is_empty());
        assert_eq!(r.json()["spec"], json!({"size": 1, "color": "red"}));

        // merge patch: warned, and Strict refuses
        let r = c
            .patch(&format!("{WIDGETS}/w"), "application/merge-patch+json", &json!({"spec": {"baz": true}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(warnings(&r), vec![r#"299 - "unknown field \"spec.baz\"""#]);
        let r = c
            .send("PATCH", &format!("{WIDGETS}/w?fieldValidation=Strict"), Some("application/merge-patch+json"), br#"{"spec":{"baz":true}}"#)
            .await;
        assert_status(&r, 400, "BadRequest", "strict decoding error: unknown field \"spec.baz\"");

        let r = c
            .send("POST", &format!("{WIDGETS}?fieldValidation=Bogus"), Some("application/json"), strict.to_string().as_bytes())
            .await;
        assert_status(&r, 422, "Invalid", "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Bogus\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    })
    .await;
}

#[tokio::test]
async fn defaults_apply_on_create_and_update() {
    within(async {
        let (_s, c) = widget_server().await;
        let r = c
            .post(WIDGETS, &widget("d", json!({"size": 3, "ports": [{"name": "http", "port": 80}]})))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        assert_eq!(v["spec"]["color"], "red");
        assert_eq!(v["spec"]["ports"], json!([{"name": "http", "port": 80, "protocol": "TCP"}]));
        assert_eq!(v["metadata"]["generation"], 1);
        // removing a defaulted field defaults it again; a no-op keeps the rv
        let rv = v["metadata"]["resourceVersion"].clone();
        let r = c
            .patch(&format!("{WIDGETS}/d"), "application/merge-patch+json", &json!({"spec": {"color": null}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["color"], "red");
        assert_eq!(r.json()["metadata"]["resourceVersion"], rv);
        // a PUT adding a port gets the item default
        let mut body = r.json();
        body["spec"]["ports"] = json!([{"name": "http", "port": 80}, {"name": "dns", "port": 53}]);
        body["spec"]["color"] = json!("blue");
        let r = c.put(&format!("{WIDGETS}/d"), &body).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["spec"]["color"], "blue");
        assert_eq!(
            v["spec"]["ports"],
            json!([{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "dns", "port": 53, "protocol": "TCP"}])
        );
        assert_eq!(v["metadata"]["generation"], 2);
        let r = c.get(&format!("{WIDGETS}/d")).await;
        assert_eq!(r.json()["spec"], v["spec"]);
    })
    .await;
}
