use std::time::Duration;

use serde_json::json;

use crate::*;

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

#[tokio::test]
async fn tables_for_get_list_and_watch() {
    within(async {
        let (_s, c) = crd_server().await;
        c.post(CTS, &crontab("a")).await;
        let r = c
            .send_with("GET", CTS, None, b"", &[("Accept", TABLE)])
            .await;
        let t = r.json();
        assert_eq!(t["kind"], "Table");
        assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
        let cols: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(cols, ["Name", "Spec", "Replicas", "Age"]);
        let row = &t["rows"][0];
        assert_eq!(row["cells"][0], "a");
        assert_eq!(row["cells"][1], "* * * * */5");
        assert_eq!(row["cells"][2], 1);
        assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(row["object"]["metadata"]["name"], "a");
        assert!(t["metadata"]["resourceVersion"].is_string());
        // A single object.
        let r = c
            .send_with("GET", &format!("{CTS}/a"), None, b"", &[("Accept", TABLE)])
            .await;
        assert_eq!(r.json()["rows"].as_array().unwrap().len(), 1);
        // Built-ins without columns: Name and Age.
        c.post(CMS, &cm("x")).await;
        let t = c
            .send_with("GET", CMS, None, b"", &[("Accept", TABLE)])
            .await
            .json();
        let cols: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(cols, ["Name", "Age"]);
        // Plain JSON when the Accept header does not ask for a Table.
        let r = c
            .send_with("GET", CMS, None, b"", &[("Accept", "application/json")])
            .await;
        assert_eq!(r.json()["kind"], "ConfigMapList");
        // Watch events carry Tables.
        let mut w = c
            .watch_with(&format!("{CTS}?watch=true"), &[("Accept", TABLE)])
            .await;
        let e = w.next_within(Duration::from_secs(5)).await.unwrap();
        assert_eq!(e["type"], "ADDED");
        assert_eq!(e["object"]["kind"], "Table");
        assert_eq!(e["object"]["rows"][0]["cells"][0], "a");
        c.patch(
            &format!("{CTS}/a"),
            "application/merge-patch+json",
            &json!({"spec": {"replicas": 2}}),
        )
        .await;
        let e = w.next_within(Duration::from_secs(5)).await.unwrap();
        assert_eq!(e["type"], "MODIFIED");
        assert_eq!(e["object"]["rows"][0]["cells"][2], 2);
        // Deleting the CRD deletes its objects with events.
        c.delete(&format!("{CRDS}/crontabs.stable.example.com"))
            .await;
        let e = w.next_within(Duration::from_secs(5)).await.unwrap();
        assert_eq!(e["type"], "DELETED");
    })
    .await;
}

#[tokio::test]
async fn exact_list_at_old_revision() {
    within(async {
        let (s, c) = server().await;
        let a = c.post(CMS, &cm("a")).await.json();
        let rv = a["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_string();
        c.post(CMS, &cm("b")).await;
        let r = c
            .get(&format!(
                "{CMS}?resourceVersion={rv}&resourceVersionMatch=Exact"
            ))
            .await
            .json();
        assert_eq!(r["items"].as_array().unwrap().len(), 1);
        assert_eq!(r["metadata"]["resourceVersion"], rv.as_str());
        s.faults().compact();
        let r = c
            .get(&format!(
                "{CMS}?resourceVersion={rv}&resourceVersionMatch=Exact"
            ))
            .await;
        assert_eq!(r.status, 410);
        assert_eq!(r.json()["reason"], "Expired");
    })
    .await;
}
