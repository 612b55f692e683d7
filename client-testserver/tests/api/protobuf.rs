//! Protobuf request bodies over HTTP: kubectl's captured bodies create
//! their objects; malformed ones are 400 with kube-apiserver's wording;
//! custom resources are 415.

use super::*;

const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/protobuf")
        .join(format!("{name}.pb"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn kubectl_bodies_create_their_objects() {
    within(async {
        let (_s, c) = server().await;
        for (name, path, field, want) in [
            (
                "create-deployment",
                "/apis/apps/v1/namespaces/default/deployments",
                "/spec/replicas",
                json!(2),
            ),
            (
                "create-cronjob",
                "/apis/batch/v1/namespaces/default/cronjobs",
                "/spec/schedule",
                json!("*/5 * * * *"),
            ),
            (
                "create-ingress",
                "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
                "/spec/rules/0/http/paths/0/backend/service/port/number",
                json!(80),
            ),
            (
                "create-secret-generic",
                "/api/v1/namespaces/default/secrets",
                "/data/x",
                json!("eQ=="),
            ),
            (
                "create-priorityclass",
                "/apis/scheduling.k8s.io/v1/priorityclasses",
                "/value",
                json!(1000),
            ),
        ] {
            let r = c.send("POST", path, Some(PROTOBUF), &fixture(name)).await;
            assert_eq!(r.status, 201, "{name}: {}", r.text());
            assert_eq!(r.json().pointer(field), Some(&want), "{name}");
            let name_of = r.json()["metadata"]["name"].as_str().unwrap().to_string();
            let got = c.get(&format!("{path}/{name_of}")).await.json();
            assert_eq!(got.pointer(field), Some(&want), "{name} read back");
        }
    })
    .await;
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests() {
    within(async {
        let (_s, c) = server().await;
        let deployments = "/apis/apps/v1/namespaces/default/deployments";
        let body = fixture("create-deployment");
        // Cut short: the envelope's fields claim more bytes than there are.
        let r = c.send("POST", deployments, Some(PROTOBUF), &body[..body.len() - 3]).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(
            r.json()["message"].as_str().unwrap().starts_with(
                "the body of the request could not be decoded as protobuf: envelope: "
            ),
            "{}",
            r.text()
        );
        // A wrong wire type inside the object names the kind and the field.
        let mut raw = vec![0x0a, 0x02, 0x08, 0x01]; // metadata { name: varint 1 }
        let tm = [&[0x0a, 7][..], b"apps/v1", &[0x12, 10], b"Deployment"].concat();
        let mut bad = b"k8s\0".to_vec();
        bad.extend([0x0a, u8::try_from(tm.len()).unwrap()]);
        bad.extend(tm);
        bad.extend([0x12, u8::try_from(raw.len()).unwrap()]);
        bad.append(&mut raw);
        let r = c.send("POST", deployments, Some(PROTOBUF), &bad).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            r#"Deployment in version "v1" cannot be handled as a Deployment: metadata.name: wrong wire type 0 for this field"#,
        );
        let r = c.send("POST", deployments, Some(PROTOBUF), b"{}").await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "the body of the request could not be decoded as protobuf: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
        );
        // Nothing was stored.
        let list = c.get(deployments).await.json();
        assert_eq!(list["items"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn custom_resources_refuse_protobuf() {
    within(async {
        let (_s, c) = crd_server().await;
        let api_version = b"stable.example.com/v1";
        let tm = [
            &[0x0a, u8::try_from(api_version.len()).unwrap()][..],
            api_version,
            &[0x12, 7],
            b"CronTab",
        ]
        .concat();
        let mut body = b"k8s\0".to_vec();
        body.extend([0x0a, u8::try_from(tm.len()).unwrap()]);
        body.extend(tm);
        let r = c
            .send(
                "POST",
                "/apis/stable.example.com/v1/namespaces/default/crontabs",
                Some(PROTOBUF),
                &body,
            )
            .await;
        assert_status(
            &r,
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        );
    })
    .await;
}
