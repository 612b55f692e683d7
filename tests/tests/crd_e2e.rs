//! Generated CRDs on a live server (client-testserver, kube-apiserver
//! semantics over real HTTP): accepted, then validating, pruning and
//! defaulting by their schema, evaluating their CEL rules, and explained by
//! kubectl from the doc comments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use client_core::{CreateOptions, GetOptions, UpdateOptions};
use client_core::{ObjectMeta, RestClient};
use client_testserver::TestServer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use support::{start, within};

/// A cron job, as the Kubernetes CRD walkthrough defines it.
#[derive(client_core::Resource, JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    short_names("ct"),
    status,
    schema,
    storage,
    versions(CronTabV1alpha1),
    validation(
        rule = "self.metadata.name.size() <= 20",
        message = "names are at most 20 characters",
        reason = "FieldValueForbidden",
        field_path = ".metadata.name"
    )
)]
struct CronTab {
    metadata: ObjectMeta,
    spec: CronTabSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<CronTabStatus>,
}

/// The desired schedule.
#[derive(JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabSpec {
    /// The cron schedule, such as `*/5 * * * *`.
    cron_spec: String,
    /// The container image to run.
    #[serde(default = "default_image")]
    image: String,
    /// How many copies run at once; never lowered once set.
    #[schemars(
        range(min = 1, max = 10),
        extend("x-kubernetes-validations" = [{"rule": "self >= oldSelf", "message": "replicas may not decrease"}])
    )]
    replicas: i32,
    /// A mode whose name starts with `x`.
    #[schemars(extend("x-kubernetes-validations" = [{
        "rule": "self.startsWith('x')",
        "messageExpression": "'mode ' + self + ' does not start with x'"
    }]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<String>,
}

fn default_image() -> String {
    "busybox:1".into()
}

/// What the controller saw.
#[derive(JsonSchema, Clone, Debug, Serialize, Deserialize)]
struct CronTabStatus {
    /// Running copies.
    replicas: i32,
}

/// The first version, still served for old clients.
#[derive(client_core::Resource, JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1alpha1",
    kind = "CronTab",
    schema,
    deprecated,
    deprecation_warning = "stable.example.com/v1alpha1 CronTab is deprecated; use v1"
)]
struct CronTabV1alpha1 {
    metadata: ObjectMeta,
    spec: CronTabV1alpha1Spec,
}

/// The old spec: a schedule only.
#[derive(JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabV1alpha1Spec {
    /// The cron schedule.
    cron_spec: String,
}

async fn install(rest: &RestClient) {
    let crd = CronTab::crd().unwrap();
    let created = client_core::api::CustomResourceDefinition::client(rest)
        .create(&crd, &CreateOptions::default())
        .await
        .unwrap();
    assert!(created.is_established(), "{created:?}");
}

fn crontab(name: &str, replicas: i32) -> CronTab {
    CronTab {
        metadata: ObjectMeta::named(name),
        spec: CronTabSpec {
            cron_spec: "*/5 * * * *".into(),
            image: "cron:2".into(),
            replicas,
            mode: None,
        },
        status: None,
    }
}

fn message(e: &client_core::Error) -> String {
    e.status().map(|s| s.message.clone()).unwrap_or_default()
}

#[test]
fn the_multi_version_crd_has_one_storage_version() {
    let crd = CronTab::crd().unwrap();
    let versions: Vec<(&str, bool, bool, bool)> = crd
        .spec
        .versions
        .iter()
        .map(|v| (v.name.as_str(), v.served, v.storage, v.deprecated))
        .collect();
    assert_eq!(
        versions,
        vec![("v1", true, true, false), ("v1alpha1", true, false, true)]
    );
    assert_eq!(
        crd.spec.versions[1].deprecation_warning.as_deref(),
        Some("stable.example.com/v1alpha1 CronTab is deprecated; use v1")
    );
    assert!(crd.spec.versions[1].subresources.is_none());
}

#[tokio::test]
async fn generated_crds_are_accepted_and_enforced() {
    within(async {
        let (_server, rest) = start().await;
        install(&rest).await;
        let crontabs = CronTab::client(&rest, "default");

        // `default` appears on create; the typed object round-trips.
        let mut raw = serde_json::to_value(crontab("a", 2)).unwrap();
        raw["spec"].as_object_mut().unwrap().remove("image");
        let created: serde_json::Value = rest
            .post()
            .abs_path("/apis/stable.example.com/v1/namespaces/default/crontabs")
            .json_body(&serde_json::json!({
                "apiVersion": "stable.example.com/v1", "kind": "CronTab",
                "metadata": raw["metadata"], "spec": raw["spec"]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created["spec"]["image"], "busybox:1");

        // A value over `maximum`: 422 with kube-apiserver's message.
        let e = crontabs
            .create(&crontab("b", 11), &CreateOptions::default())
            .await
            .unwrap_err();
        assert!(e.is_invalid(), "{e:?}");
        assert_eq!(
            message(&e),
            "CronTab.stable.example.com \"b\" is invalid: spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"
        );

        // A CEL rule on a field, with messageExpression.
        let mut bad_mode = crontab("c", 1);
        bad_mode.spec.mode = Some("fast".into());
        let e = crontabs
            .create(&bad_mode, &CreateOptions::default())
            .await
            .unwrap_err();
        assert_eq!(
            message(&e),
            "CronTab.stable.example.com \"c\" is invalid: spec.mode: Invalid value: \"string\": mode fast does not start with x"
        );

        // A root rule with reason and fieldPath.
        let e = crontabs
            .create(&crontab("a-name-longer-than-twenty", 1), &CreateOptions::default())
            .await
            .unwrap_err();
        assert_eq!(
            message(&e),
            "CronTab.stable.example.com \"a-name-longer-than-twenty\" is invalid: metadata.name: Forbidden: names are at most 20 characters"
        );

        // A transition rule: raising is allowed, lowering is refused.
        let mut got = crontabs.get("a", &GetOptions::default()).await.unwrap();
        got.spec.replicas = 3;
        let mut got = crontabs.update(&got, &UpdateOptions::default()).await.unwrap();
        got.spec.replicas = 1;
        let e = crontabs
            .update(&got, &UpdateOptions::default())
            .await
            .unwrap_err();
        assert_eq!(
            message(&e),
            "CronTab.stable.example.com \"a\" is invalid: spec.replicas: Invalid value: \"integer\": replicas may not decrease"
        );
    })
    .await;
}

/// The helper a crate's own tests call: every rule of the CRD compiles.
#[test]
fn every_cel_rule_of_the_crd_compiles() {
    use client_testserver::verify_crd;
    verify_crd(&CronTab::crd().unwrap()).unwrap();
    let mut crd = CronTab::crd().unwrap();
    if let Some(s) = crd.spec.versions[0]
        .schema
        .as_mut()
        .and_then(|s| s.open_api_v3_schema.as_mut())
    {
        s["x-kubernetes-validations"][0]["rule"] = "self.metadata.name.size() <= twenty".into();
    }
    let e = verify_crd(&crd).unwrap_err();
    assert_eq!(e.messages.len(), 1, "{e}");
    assert!(
        e.messages[0].starts_with("spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].rule: Invalid value"),
        "{e}"
    );
    assert!(
        e.messages[0].ends_with("undeclared reference to 'twenty'"),
        "{e}"
    );
}

#[tokio::test]
async fn a_rule_that_does_not_compile_is_refused_at_crd_create() {
    within(async {
        let (_server, rest) = start().await;
        let mut crd = CronTab::crd().unwrap();
        let schema = crd.spec.versions[0]
            .schema
            .as_mut()
            .and_then(|s| s.open_api_v3_schema.as_mut())
            .unwrap();
        schema["properties"]["spec"]["x-kubernetes-validations"] =
            serde_json::json!([{"rule": "self.replicas >"}]);
        let e = client_core::api::CustomResourceDefinition::client(&rest)
            .create(&crd, &CreateOptions::default())
            .await
            .unwrap_err();
        assert!(e.is_invalid(), "{e:?}");
        let m = message(&e);
        assert!(
            m.starts_with(
                "CustomResourceDefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" is invalid: \
                 spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: \
                 Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas >\""
            ),
            "{m}"
        );
        assert!(m.contains("compilation failed: ERROR: <input>:1:"), "{m}");
    })
    .await;
}

/// kubectl with a temporary HOME and a hard timeout per command.
struct Kubectl {
    dir: tempfile::TempDir,
}

impl Kubectl {
    fn new(server: &TestServer) -> Kubectl {
        let dir = tempfile::tempdir().unwrap();
        server.write_kubeconfig(dir.path().join("config")).unwrap();
        Kubectl { dir }
    }

    /// Runs kubectl with `stdin`; (success, stdout, stderr). Killed after 20s.
    async fn run(&self, args: &[&str], stdin: &str) -> (bool, String, String) {
        use tokio::io::AsyncWriteExt;
        let mut child = tokio::process::Command::new("kubectl")
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .arg("--kubeconfig")
            .arg(self.dir.path().join("config"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("kubectl is installed");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
            .await
            .expect("kubectl finished in time")
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

const WITH_UNKNOWN: &str = r#"
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: k}
spec: {cronSpec: "* * * * *", replicas: 2, colour: red}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_applies_crd_yaml_prunes_and_explains() {
    within(async {
        // Defaults (TLS, kubeconfig with a client certificate), as kubectl uses it.
        let server = TestServer::start().await.unwrap();
        let k = Kubectl::new(&server);
        // The manifest `crd_yaml()` prints is one `kubectl apply -f -` takes.
        let (ok, out, err) = k
            .run(&["apply", "-f", "-"], &CronTab::crd_yaml().unwrap())
            .await;
        assert!(ok, "{out}{err}");
        assert!(
            out.contains(
                "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created"
            ),
            "{out}"
        );

        // Strict: the unknown field is refused.
        let (ok, _, err) = k
            .run(&["create", "--validate=strict", "-f", "-"], WITH_UNKNOWN)
            .await;
        assert!(!ok);
        assert!(err.contains("unknown field \"spec.colour\""), "{err}");

        // Warn: created, pruned, with kube's warning.
        let (ok, out, err) = k
            .run(&["create", "--validate=warn", "-f", "-"], WITH_UNKNOWN)
            .await;
        assert!(ok, "{out}{err}");
        assert!(
            err.contains("Warning: unknown field \"spec.colour\""),
            "{err}"
        );
        let (ok, out, err) = k.run(&["get", "ct", "k", "-o", "json"], "").await;
        assert!(ok, "{err}");
        let obj: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(obj["spec"].get("colour"), None, "{obj}");
        assert_eq!(obj["spec"]["image"], "busybox:1", "the default was applied");

        // The doc comment is the field's description.
        let (ok, out, err) = k.run(&["explain", "crontab.spec.cronSpec"], "").await;
        assert!(ok, "{err}");
        assert!(
            out.contains("The cron schedule, such as `*/5 * * * *`."),
            "{out}"
        );
    })
    .await;
}
