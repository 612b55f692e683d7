use std::time::Duration;

use serde_json::json;

use crate::*;

const LIST: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const OBJECT: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

#[tokio::test]
async fn metadata_only_get_list_and_watch() {
    within(async {
        let (_s, c) = server().await;
        let mut labelled = cm("a");
        labelled["metadata"]["labels"] = json!({"app": "web"});
        c.post(CMS, &labelled).await;
        c.post(CMS, &cm("b")).await;

        let r = c
            .send_with("GET", CMS, None, b"", &[("Accept", LIST)])
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let l = r.json();
        assert_eq!(l["kind"], "PartialObjectMetadataList");
        assert_eq!(l["apiVersion"], "meta.k8s.io/v1");
        assert!(l["metadata"]["resourceVersion"].is_string());
        let item = &l["items"][0];
        assert_eq!(item["kind"], "PartialObjectMetadata");
        assert_eq!(item["apiVersion"], "meta.k8s.io/v1");
        assert_eq!(item["metadata"]["name"], "a");
        assert_eq!(item["metadata"]["labels"]["app"], "web");
        assert!(item["metadata"]["uid"].is_string());
        assert!(item.get("data").is_none(), "{item}");
        assert_eq!(l["items"].as_array().unwrap().len(), 2);

        // Paging keeps its continue token.
        let r = c
            .send_with(
                "GET",
                &format!("{CMS}?limit=1"),
                None,
                b"",
                &[("Accept", LIST)],
            )
            .await;
        let l = r.json();
        assert_eq!(l["items"].as_array().unwrap().len(), 1);
        assert!(l["metadata"]["continue"].is_string(), "{l}");

        let r = c
            .send_with("GET", &format!("{CMS}/a"), None, b"", &[("Accept", OBJECT)])
            .await;
        let o = r.json();
        assert_eq!(o["kind"], "PartialObjectMetadata");
        assert_eq!(o["metadata"]["name"], "a");
        assert!(o.get("data").is_none());

        // The wrong shape for the target is 406.
        let r = c
            .send_with("GET", &format!("{CMS}/a"), None, b"", &[("Accept", LIST)])
            .await;
        assert_status(
            &r,
            406,
            "NotAcceptable",
            "you requested PartialObjectMetadataList, but the requested object is not a list",
        );
        let r = c
            .send_with("GET", CMS, None, b"", &[("Accept", OBJECT)])
            .await;
        assert_status(
            &r,
            406,
            "NotAcceptable",
            "you requested PartialObjectMetadata, but the requested object is a list",
        );

        let mut w = c
            .watch_with(&format!("{CMS}?watch=true"), &[("Accept", OBJECT)])
            .await;
        let e = w.next_within(Duration::from_secs(5)).await.unwrap();
        assert_eq!(e["type"], "ADDED");
        assert_eq!(e["object"]["kind"], "PartialObjectMetadata");
        assert!(e["object"]["metadata"]["name"].is_string());
        assert!(e["object"].get("data").is_none());
    })
    .await;
}
