//! The path of every verb of every built-in kind, built from k8s-openapi's
//! constants, against what Kubernetes 1.33's published discovery documents
//! imply (`data/kubernetes-1.33/resources.json`, generated from
//! kubernetes/kubernetes `api/discovery/*.json`; see its README for the
//! commits). Each request goes over real HTTP to a recording loopback server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::future::Future;
use std::pin::Pin;

use client_core::k8s::api::authentication::v1::TokenRequest;
use client_core::k8s::api::core::v1::{Namespace, Pod, ServiceAccount};
use client_core::k8s::subresources::LogOptions;
use client_core::k8s::{KindVisitor, visit_kinds};
use client_core::{
    AllNamespacesClient, ApplyOptions, Cluster, Config, CreateOptions, DeleteOptions, GetOptions,
    ListOptions, Namespaced, ObjectMetaAccess, Patch, PatchOptions, Resource, RestClient,
    TypedClient, UpdateOptions,
};
use serde_json::Value;
use support::{Reply, STEP, ScriptServer};

const RESOURCES_JSON: &str = include_str!("../../data/kubernetes-1.33/resources.json");

type Calls = Pin<Box<dyn Future<Output = ()> + Send>>;
/// A subresource and its verbs.
type Subresources = Vec<(String, Vec<String>)>;
/// One call across all namespaces (list or watch).
type AllCall = Box<dyn Fn() -> Calls + Send>;
/// Runs every verb of one kind.
type KindCalls = Box<dyn Fn(RestClient, Vec<String>, Subresources) -> Calls>;

struct Kind {
    api_version: &'static str,
    kind: &'static str,
    calls: KindCalls,
}

struct Collect(Vec<Kind>);

fn object<K: Resource + Default>() -> K {
    let mut obj = K::default();
    obj.metadata_mut().set_name(Some("n1".to_owned()));
    obj
}

/// Every verb discovery lists, through the typed client `c`; list and watch
/// also across namespaces through `all`; then `status` and `scale`.
async fn verbs_of<K: Resource + Default + Clone>(
    c: TypedClient<K>,
    all: Option<(AllCall, AllCall)>,
    verbs: Vec<String>,
    subresources: Vec<(String, Vec<String>)>,
) {
    let obj = object::<K>();
    for verb in &verbs {
        match verb.as_str() {
            "create" => drop(c.create(&obj, &CreateOptions::default()).await),
            "get" => drop(c.get("n1", &GetOptions::default()).await),
            "list" => {
                drop(c.list(&ListOptions::default()).await);
                if let Some((list, _)) = &all {
                    list().await;
                }
            }
            "watch" => {
                drop(c.watch(&ListOptions::default()).await);
                if let Some((_, watch)) = &all {
                    watch().await;
                }
            }
            "update" => drop(c.update(&obj, &UpdateOptions::default()).await),
            "patch" => {
                let patch = Patch::Merge(serde_json::json!({}));
                drop(c.patch("n1", &patch, &PatchOptions::default()).await);
                drop(c.apply("n1", &obj, &ApplyOptions::new("test")).await);
            }
            "delete" => drop(c.delete("n1", &DeleteOptions::default()).await),
            "deletecollection" => drop(
                c.delete_collection(&DeleteOptions::default(), &ListOptions::default())
                    .await,
            ),
            other => panic!("unexpected verb {other}"),
        }
    }
    for (sub, verbs) in &subresources {
        let sub: &'static str = match sub.as_str() {
            "status" => "status",
            "scale" => "scale",
            _ => continue,
        };
        for verb in verbs {
            match verb.as_str() {
                "get" => drop(
                    c.subresource_get::<Value>("n1", sub, &GetOptions::default())
                        .await,
                ),
                "update" => drop(
                    c.subresource_update::<_, Value>("n1", sub, &obj, &UpdateOptions::default())
                        .await,
                ),
                "patch" => {
                    let patch = Patch::Merge(serde_json::json!({}));
                    drop(
                        c.subresource_patch::<_, Value>(
                            "n1",
                            sub,
                            &patch,
                            &PatchOptions::default(),
                        )
                        .await,
                    );
                }
                other => panic!("unexpected {sub} verb {other}"),
            }
        }
    }
}

impl KindVisitor for Collect {
    fn namespaced<K: Resource<Scope = Namespaced> + Default + Clone + std::fmt::Debug>(&mut self) {
        self.0.push(Kind {
            api_version: K::API_VERSION,
            kind: K::KIND,
            calls: Box::new(|client, verbs, subs| {
                let c = TypedClient::<K>::namespaced(client.clone(), "ns1");
                let all = AllNamespacesClient::<K>::new(client);
                let (a, b) = (all.clone(), all);
                let list: AllCall = Box::new(move || {
                    let f = a.list(&ListOptions::default());
                    Box::pin(async move { drop(f.await) })
                });
                let watch: AllCall = Box::new(move || {
                    let f = b.watch(&ListOptions::default());
                    Box::pin(async move { drop(f.await) })
                });
                Box::pin(verbs_of(c, Some((list, watch)), verbs, subs))
            }),
        });
    }

    fn cluster<K: Resource<Scope = Cluster> + Default + Clone + std::fmt::Debug>(&mut self) {
        self.0.push(Kind {
            api_version: K::API_VERSION,
            kind: K::KIND,
            calls: Box::new(|client, verbs, subs| {
                let c = TypedClient::<K>::cluster(client);
                Box::pin(verbs_of(c, None, verbs, subs))
            }),
        });
    }
}

fn client(url: &str) -> RestClient {
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    config.max_retries = 0;
    RestClient::new(config).unwrap()
}

/// `(method, path, watch)` kube-apiserver serves for `verb` of resource `r`.
fn expected(
    r: &Value,
    verbs: &[String],
    subs: &[(String, Vec<String>)],
) -> Vec<(String, String, bool)> {
    let group = r["group"].as_str().unwrap();
    let version = r["version"].as_str().unwrap();
    let name = r["name"].as_str().unwrap();
    let namespaced = r["namespaced"].as_bool().unwrap();
    let base = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let all = format!("{base}/{name}");
    let coll = if namespaced {
        format!("{base}/namespaces/ns1/{name}")
    } else {
        all.clone()
    };
    let obj = format!("{coll}/n1");
    let e = |m: &str, p: &str, w: bool| (m.to_owned(), p.to_owned(), w);
    let mut out = Vec::new();
    for verb in verbs {
        match verb.as_str() {
            "create" => out.push(e("POST", &coll, false)),
            "get" => out.push(e("GET", &obj, false)),
            "list" | "watch" => {
                let w = verb == "watch";
                out.push(e("GET", &coll, w));
                if namespaced {
                    out.push(e("GET", &all, w));
                }
            }
            "update" => out.push(e("PUT", &obj, false)),
            "patch" => {
                out.push(e("PATCH", &obj, false));
                out.push(e("PATCH", &obj, false));
            }
            "delete" => out.push(e("DELETE", &obj, false)),
            "deletecollection" => out.push(e("DELETE", &coll, false)),
            other => panic!("unexpected verb {other}"),
        }
    }
    for (sub, verbs) in subs {
        if sub != "status" && sub != "scale" {
            continue;
        }
        for verb in verbs {
            let m = match verb.as_str() {
                "get" => "GET",
                "update" => "PUT",
                "patch" => "PATCH",
                other => panic!("unexpected {other}"),
            };
            out.push(e(m, &format!("{obj}/{sub}"), false));
        }
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_verb_of_every_kind_has_kube_apiservers_path() {
    let served: Value = serde_json::from_str(RESOURCES_JSON).unwrap();
    let served = served["resources"].as_array().unwrap();
    let server = ScriptServer::start(|_| Reply::json(200, "{}")).await;
    let client = client(&server.url);
    let mut kinds = Collect(Vec::new());
    visit_kinds(&mut kinds);
    assert_eq!(kinds.0.len(), served.len());

    let mut group_versions = std::collections::BTreeSet::new();
    let mut checked = 0;
    for kind in &kinds.0 {
        let r = served
            .iter()
            .find(|r| {
                let group = r["group"].as_str().unwrap();
                let version = r["version"].as_str().unwrap();
                let av = if group.is_empty() {
                    version.to_owned()
                } else {
                    format!("{group}/{version}")
                };
                av == kind.api_version && r["kind"] == kind.kind
            })
            .unwrap_or_else(|| panic!("{} {} is not served", kind.api_version, kind.kind));
        let verbs = strings(&r["verbs"]);
        let subs: Vec<(String, Vec<String>)> = r["subresources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_owned(), strings(&s["verbs"])))
            .collect();
        let before = server.requests().len();
        tokio::time::timeout(
            STEP,
            (kind.calls)(client.clone(), verbs.clone(), subs.clone()),
        )
        .await
        .expect("calls finish");
        let seen: Vec<(String, String, bool)> = server.requests()[before..]
            .iter()
            .map(|r| {
                (
                    r.method.clone(),
                    r.path.clone(),
                    r.query.contains("watch=true"),
                )
            })
            .collect();
        assert_eq!(
            seen,
            expected(r, &verbs, &subs),
            "{} {}",
            kind.api_version,
            kind.kind
        );
        group_versions.insert(kind.api_version);
        checked += seen.len();
    }
    assert_eq!(group_versions.len(), 35, "every group-version of 1.33");
    assert!(checked > 600, "{checked} requests checked");
}

/// The typed subresources: each method's path is one discovery lists for it.
#[tokio::test]
async fn typed_subresources_have_kube_apiservers_paths() {
    let served: Value = serde_json::from_str(RESOURCES_JSON).unwrap();
    let sub_paths: Vec<String> = served["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["group"] == "" && r["version"] == "v1")
        .flat_map(|r| {
            let name = r["name"].as_str().unwrap().to_owned();
            let ns = r["namespaced"].as_bool().unwrap();
            r["subresources"].as_array().unwrap().iter().map(move |s| {
                let prefix = if ns {
                    "/api/v1/namespaces/ns1"
                } else {
                    "/api/v1"
                };
                format!("{prefix}/{name}/n1/{}", s["name"].as_str().unwrap())
            })
        })
        .collect();
    let server = ScriptServer::start(|_| Reply::json(200, "{}")).await;
    let client = client(&server.url);
    let pods = TypedClient::<Pod>::namespaced(client.clone(), "ns1");
    let sas = TypedClient::<ServiceAccount>::namespaced(client.clone(), "ns1");
    let namespaces = TypedClient::<Namespace>::cluster(client.clone());
    let pod = object::<Pod>();
    let calls = async {
        drop(pods.logs("n1", &LogOptions::default()).await);
        drop(pods.log_stream("n1", &LogOptions::default()).await);
        drop(pods.evict("n1", &DeleteOptions::default()).await);
        drop(
            pods.get_ephemeral_containers("n1", &GetOptions::default())
                .await,
        );
        drop(
            pods.update_ephemeral_containers(&pod, &UpdateOptions::default())
                .await,
        );
        drop(
            sas.create_token("n1", &TokenRequest::default(), &CreateOptions::default())
                .await,
        );
        drop(
            namespaces
                .finalize(&object::<Namespace>(), &UpdateOptions::default())
                .await,
        );
    };
    tokio::time::timeout(STEP, calls)
        .await
        .expect("calls finish");
    let seen: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let want = [
        ("GET", "/api/v1/namespaces/ns1/pods/n1/log"),
        ("GET", "/api/v1/namespaces/ns1/pods/n1/log"),
        ("POST", "/api/v1/namespaces/ns1/pods/n1/eviction"),
        ("GET", "/api/v1/namespaces/ns1/pods/n1/ephemeralcontainers"),
        ("PUT", "/api/v1/namespaces/ns1/pods/n1/ephemeralcontainers"),
        ("POST", "/api/v1/namespaces/ns1/serviceaccounts/n1/token"),
        ("PUT", "/api/v1/namespaces/n1/finalize"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(seen, want);
    for (_, path) in &seen {
        assert!(
            sub_paths.contains(path),
            "{path} is not a subresource discovery lists: {sub_paths:?}"
        );
    }
    // follow=true on the streamed log, not on the whole read
    let logs: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/log"))
        .collect();
    assert!(!logs[0].query.contains("follow"));
    assert!(logs[1].query.contains("follow=true"));
    let eviction = &server.requests()[2];
    let body: Value = serde_json::from_slice(&eviction.body).unwrap();
    assert_eq!(body["apiVersion"], "policy/v1");
    assert_eq!(body["kind"], "Eviction");
    assert_eq!(body["metadata"]["name"], "n1");
    assert_eq!(body["metadata"]["namespace"], "ns1");
}

/// A followed log arrives in chunks that cut lines anywhere: the stream
/// gives whole lines, the last one without its newline too, invalid UTF-8
/// replaced, and a line longer than `MAX_LOG_LINE` in bounded pieces.
#[tokio::test]
async fn log_stream_gives_whole_lines_across_chunks() {
    use client_core::k8s::subresources::MAX_LOG_LINE;
    use futures_util::StreamExt;

    let long = "x".repeat(MAX_LOG_LINE + 10);
    let mut body = b"first line\nsecond \xff line\n".to_vec();
    body.extend_from_slice(long.as_bytes());
    body.extend_from_slice(b"\nlast, no newline");
    let log = body.clone();
    let server = ScriptServer::start(move |_| Reply::Answer {
        status: 200,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: log.clone(),
        chunks: 7,
    })
    .await;
    let pods = TypedClient::<Pod>::namespaced(client(&server.url), "ns1");
    let lines = async {
        let stream = pods.log_stream("n1", &LogOptions::default()).await.unwrap();
        stream.map(Result::unwrap).collect::<Vec<String>>().await
    };
    let lines = tokio::time::timeout(STEP, lines).await.expect("log ends");
    assert_eq!(
        lines.len(),
        5,
        "{:?}",
        lines.iter().map(String::len).collect::<Vec<_>>()
    );
    assert_eq!(lines[0], "first line");
    assert_eq!(lines[1], "second \u{fffd} line");
    assert_eq!(lines[2].len(), MAX_LOG_LINE);
    assert_eq!(lines[3].len(), 10);
    assert_eq!(lines[4], "last, no newline");

    let whole = tokio::time::timeout(STEP, pods.logs("n1", &LogOptions::default()))
        .await
        .expect("log read")
        .unwrap();
    assert_eq!(whole.as_ref(), body.as_slice());
}
