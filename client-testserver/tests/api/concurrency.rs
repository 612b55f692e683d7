use std::collections::BTreeSet;

use serde_json::json;

use crate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_with_one_resource_version_have_one_winner() {
    within(async {
        let (_s, c) = server().await;
        let v = c.post(CMS, &cm("race")).await.json();
        let futs = (0..20).map(|i| {
            let c = c.clone();
            let mut u = v.clone();
            u["data"]["k"] = json!(i.to_string());
            tokio::spawn(async move { c.put(&format!("{CMS}/race"), &u).await.status })
        });
        let mut codes = Vec::new();
        for f in futs {
            codes.push(f.await.unwrap());
        }
        assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
        assert_eq!(codes.iter().filter(|c| **c == 409).count(), 19, "{codes:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_see_every_concurrent_write_in_order() {
    within(async {
        let (_s, c) = server().await;
        let mut watchers = Vec::new();
        for _ in 0..3 {
            watchers.push(c.watch(&format!("{CMS}?watch=true")).await);
        }
        let writers = (0..4).map(|w| {
            let c = c.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    assert_eq!(c.post(CMS, &cm(&format!("w{w}-{i}"))).await.status, 201);
                }
            })
        });
        for w in writers {
            w.await.unwrap();
        }
        for w in &mut watchers {
            let mut names = BTreeSet::new();
            let mut last = 0u64;
            for _ in 0..40 {
                let e = w.next().await.unwrap();
                assert_eq!(e["type"], "ADDED");
                let rv: u64 = e["object"]["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(rv > last, "resourceVersions increase");
                last = rv;
                names.insert(
                    e["object"]["metadata"]["name"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                );
            }
            assert_eq!(names.len(), 40);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_applies_create_once_and_keep_every_manager() {
    within(async {
        let (_s, c) = server().await;
        let cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n";
        let futs = (0..16).map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                c.send(
                    "PATCH",
                    &format!("{CMS}/shared?fieldManager=m{i:02}"),
                    Some("application/apply-patch+yaml"),
                    cfg.as_bytes(),
                )
                .await
                .status
            })
        });
        let mut codes = Vec::new();
        for f in futs {
            codes.push(f.await.unwrap());
        }
        assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
        assert_eq!(codes.iter().filter(|c| **c == 200).count(), 15, "{codes:?}");
        // the same value is shared: every manager owns data.k
        let v = c.get(&format!("{CMS}/shared")).await.json();
        let managers: BTreeSet<String> = v["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e["fieldsV1"], json!({"f:data": {"f:k": {}}}));
                e["manager"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(managers, (0..16).map(|i| format!("m{i:02}")).collect());
    })
    .await;
}
