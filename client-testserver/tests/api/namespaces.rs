//! Namespace lifecycle: Terminating, creates refused, contents removed
//! (finalizers respected), then the namespace itself goes.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client::Client;
use crate::{assert_status, cm, crd_server, crontab, within};

const NSS: &str = "/api/v1/namespaces";

fn ns(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

/// Polls `path` until it answers 404, with a hard limit.
async fn wait_gone(c: &Client, path: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if c.get(path).await.status == 404 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{path} still exists"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads watch events until one of `type_` for `name`, skipping others.
async fn next_event_for(w: &mut crate::client::Watch, type_: &str, name: &str) -> Value {
    loop {
        let e = w.next().await.expect("watch ended");
        if e["type"] == type_ && e["object"]["metadata"]["name"] == name {
            return e;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_namespace_terminates_it_and_removes_its_contents() {
    within(async {
        let (_s, c) = crd_server().await;
        let created = c.post(NSS, &ns("team")).await;
        assert_eq!(created.status, 201, "{}", created.text());
        let created = created.json();
        assert_eq!(created["spec"]["finalizers"], json!(["kubernetes"]));
        assert_eq!(created["status"]["phase"], "Active");
        let cms = "/api/v1/namespaces/team/configmaps";
        let cts = "/apis/stable.example.com/v1/namespaces/team/crontabs";
        for name in ["a", "b"] {
            assert_eq!(c.post(cms, &cm(name)).await.status, 201);
        }
        assert_eq!(c.post(cts, &crontab("ct")).await.status, 201);
        let mut held = cm("held");
        held["metadata"]["finalizers"] = json!(["example.com/hold"]);
        assert_eq!(c.post(cms, &held).await.status, 201);
        // An object elsewhere is untouched.
        assert_eq!(
            c.post("/api/v1/namespaces/default/configmaps", &cm("other"))
                .await
                .status,
            201
        );

        let mut ns_watch = c
            .watch(&format!("{NSS}?watch=true&fieldSelector=metadata.name%3Dteam"))
            .await;
        let added = ns_watch.next().await.unwrap();
        assert_eq!(added["type"], "ADDED");

        let r = c.delete(&format!("{NSS}/team")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["kind"], "Namespace", "{v}");
        assert_eq!(v["status"]["phase"], "Terminating");
        assert!(v["metadata"]["deletionTimestamp"].is_string(), "{v}");
        assert_eq!(v["spec"]["finalizers"], json!(["kubernetes"]));
        let e = next_event_for(&mut ns_watch, "MODIFIED", "team").await;
        assert_eq!(e["object"]["status"]["phase"], "Terminating");

        // Creates are refused while the namespace terminates.
        let r = c.post(cms, &cm("late")).await;
        assert_status(
            &r,
            403,
            "Forbidden",
            "configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated",
        );
        assert_eq!(
            r.json()["details"],
            json!({"name": "late", "kind": "configmaps", "causes": [{
                "reason": "NamespaceTerminating",
                "message": "namespace team is being terminated",
                "field": "metadata.namespace",
            }]})
        );
        let r = c.post(cts, &crontab("late")).await;
        assert_status(
            &r,
            403,
            "Forbidden",
            "crontabs.stable.example.com \"late\" is forbidden: unable to create new content in namespace team because it is being terminated",
        );

        // Deleting again is idempotent.
        let again = c.delete(&format!("{NSS}/team")).await;
        assert_eq!(again.status, 200, "{}", again.text());
        assert_eq!(
            again.json()["metadata"]["deletionTimestamp"],
            v["metadata"]["deletionTimestamp"]
        );

        // The contents go; the object with a finalizer stays, marked.
        wait_gone(&c, &format!("{cms}/a")).await;
        wait_gone(&c, &format!("{cms}/b")).await;
        wait_gone(&c, &format!("{cts}/ct")).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let ns_now = loop {
            let n = c.get(&format!("{NSS}/team")).await.json();
            let remaining = n["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["type"] == "NamespaceFinalizersRemaining"))
                .cloned();
            if remaining.as_ref().is_some_and(|r| r["status"] == "True") {
                break n;
            }
            assert!(tokio::time::Instant::now() < deadline, "{n}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let conditions = ns_now["status"]["conditions"].as_array().unwrap();
        let by_type = |t: &str| {
            conditions
                .iter()
                .find(|c| c["type"] == t)
                .cloned()
                .unwrap_or(Value::Null)
        };
        assert_eq!(
            by_type("NamespaceContentRemaining")["message"],
            "Some resources are remaining: configmaps. has 1 resource instances"
        );
        assert_eq!(
            by_type("NamespaceFinalizersRemaining")["message"],
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
        );
        assert_eq!(by_type("NamespaceDeletionContentFailure")["reason"], "ContentDeleted");
        let h = c.get(&format!("{cms}/held")).await.json();
        assert!(h["metadata"]["deletionTimestamp"].is_string(), "{h}");
        assert_eq!(
            c.get("/api/v1/namespaces/default/configmaps/other").await.status,
            200
        );
        // Writes to the Terminating namespace keep it (its spec finalizer
        // still holds it) and keep its phase.
        let r = c
            .patch(
                &format!("{NSS}/team"),
                "application/merge-patch+json",
                &json!({"metadata": {"labels": {"touched": "yes"}}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["status"]["phase"], "Terminating");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let n = c.get(&format!("{NSS}/team")).await;
        assert_eq!(n.status, 200);
        assert_eq!(n.json()["metadata"]["labels"]["touched"], "yes");

        // Releasing the finalizer lets the object, then the namespace, go.
        let r = c
            .patch(
                &format!("{cms}/held"),
                "application/merge-patch+json",
                &json!({"metadata": {"finalizers": null}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let gone = next_event_for(&mut ns_watch, "DELETED", "team").await;
        assert_eq!(gone["object"]["status"]["phase"], "Terminating");
        assert!(gone["object"]["spec"].get("finalizers").is_none(), "{gone}");
        let r = c.get(&format!("{NSS}/team")).await;
        assert_status(&r, 404, "NotFound", "namespaces \"team\" not found");
        assert_eq!(c.get(cms).await.json()["items"], json!([]));
        // The name can be used again.
        let r = c.post(NSS, &ns("team")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["status"]["phase"], "Active");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_namespace_goes_at_once_and_generated_names_are_refused() {
    within(async {
        let (_s, c) = crate::server().await;
        assert_eq!(c.post(NSS, &ns("empty")).await.status, 201);
        let mut held = cm("held");
        held["metadata"]["finalizers"] = json!(["example.com/hold"]);
        assert_eq!(c.post(NSS, &ns("busy")).await.status, 201);
        assert_eq!(
            c.post("/api/v1/namespaces/busy/configmaps", &held).await.status,
            201
        );
        assert_eq!(c.delete(&format!("{NSS}/empty")).await.status, 200);
        wait_gone(&c, &format!("{NSS}/empty")).await;

        assert_eq!(c.delete(&format!("{NSS}/busy")).await.status, 200);
        let r = c
            .post(
                "/api/v1/namespaces/busy/secrets",
                &json!({"metadata": {"generateName": "s-"}}),
            )
            .await;
        assert_status(
            &r,
            403,
            "Forbidden",
            "secrets is forbidden: unable to create new content in namespace busy because it is being terminated",
        );
        assert_eq!(r.json()["details"]["kind"], "secrets");
        assert!(r.json()["details"].get("name").is_none());
        // A namespace that does not exist still gives 404.
        let r = c.post("/api/v1/namespaces/nope/configmaps", &cm("x")).await;
        assert_status(&r, 404, "NotFound", "namespaces \"nope\" not found");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protected_namespaces_refuse_deletion() {
    within(async {
        let (_s, c) = crate::server().await;
        for name in ["default", "kube-system", "kube-public"] {
            let r = c.delete(&format!("{NSS}/{name}")).await;
            assert_status(
                &r,
                403,
                "Forbidden",
                &format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
            );
            assert_eq!(
                r.json()["details"],
                json!({"name": name, "kind": "namespaces"})
            );
            let n = c.get(&format!("{NSS}/{name}")).await.json();
            assert_eq!(n["status"]["phase"], "Active");
            assert!(n["metadata"].get("deletionTimestamp").is_none());
        }
        // Not protected: kube-node-lease.
        assert_eq!(
            c.delete(&format!("{NSS}/kube-node-lease")).await.status,
            200
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_delete_namespace_waits_until_it_is_gone() {
    tokio::time::timeout(Duration::from_secs(90), async {
        // Plain HTTP without authentication: kubectl and the test client
        // share the server.
        let s = client_testserver::TestServer::builder()
            .plain_http()
            .no_auth()
            .start()
            .await
            .unwrap();
        let k = crate::kubectl::Kubectl::new(&s);
        k.ok(&["create", "namespace", "team"]).await;
        k.ok(&["-n", "team", "create", "configmap", "a", "--from-literal=k=v"])
            .await;
        k.ok(&["-n", "team", "create", "secret", "generic", "s", "--from-literal=k=v"])
            .await;
        let held = k.file(
            "held.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: team\n  finalizers: [example.com/hold]\n",
        );
        k.ok(&["apply", "-f", held.to_str().unwrap()]).await;
        // kubectl waits for the namespace to disappear; the finalizer holds
        // it, so release the finalizer while kubectl waits.
        let release = async {
            let c = Client::new(&s);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            loop {
                let n = c.get("/api/v1/namespaces/team").await.json();
                if n["status"]["phase"] == "Terminating" {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "{n}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            let r = c
                .patch(
                    "/api/v1/namespaces/team/configmaps/held",
                    "application/merge-patch+json",
                    &json!({"metadata": {"finalizers": null}}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
            tokio::time::Instant::now()
        };
        let delete = async {
            let out = k.run(&["delete", "namespace", "team", "--timeout=15s"]).await;
            (out, tokio::time::Instant::now())
        };
        let ((out, returned), released) = tokio::join!(delete, release);
        assert!(returned > released, "kubectl returned before the namespace could go");
        assert!(out.ok, "{}{}", out.stdout, out.stderr);
        assert_eq!(out.stdout.trim(), "namespace \"team\" deleted");
        let out = k.run(&["get", "ns", "team"]).await;
        assert!(!out.ok);
        assert_eq!(
            out.stderr.trim(),
            "Error from server (NotFound): namespaces \"team\" not found"
        );
        let out = k.run(&["delete", "namespace", "default"]).await;
        assert!(!out.ok);
        assert_eq!(
            out.stderr.trim(),
            "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted"
        );
    })
    .await
    .expect("kubectl test timed out");
}
