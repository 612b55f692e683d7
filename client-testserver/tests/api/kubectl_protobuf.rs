//! kubectl's typed generators against the binary: each sends its object
//! as protobuf, and `kubectl get -o jsonpath` reads back the values that
//! came through the decoder. `run` and `expose` (JSON bodies) run alongside.

use std::time::Duration;

use serde_json::Value;

use crate::kubectl::{Kubectl, spawn_binary, terminate};

/// `(kubectl arguments, resource path suffix the POST goes to)`.
const CREATES: &[(&[&str], &str)] = &[
    (
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.25",
            "--replicas=2",
        ],
        "/deployments",
    ),
    (
        &[
            "create",
            "job",
            "pi",
            "--image=busybox:1.36",
            "--",
            "echo",
            "hi",
        ],
        "/jobs",
    ),
    (
        &[
            "create",
            "cronjob",
            "tick",
            "--image=busybox:1.36",
            "--schedule=*/5 * * * *",
            "--",
            "date",
        ],
        "/cronjobs",
    ),
    (&["create", "serviceaccount", "builder"], "/serviceaccounts"),
    (
        &[
            "create",
            "role",
            "reader",
            "--verb=get,list",
            "--resource=pods,configmaps",
        ],
        "/roles",
    ),
    (
        &[
            "create",
            "rolebinding",
            "reader-binding",
            "--role=reader",
            "--serviceaccount=default:builder",
        ],
        "/rolebindings",
    ),
    (
        &[
            "create",
            "clusterrole",
            "node-reader",
            "--verb=get,watch",
            "--resource=nodes",
        ],
        "/clusterroles",
    ),
    (
        &[
            "create",
            "poddisruptionbudget",
            "web-pdb",
            "--selector=app=web",
            "--min-available=1",
        ],
        "/poddisruptionbudgets",
    ),
    (
        &[
            "create",
            "ingress",
            "web",
            "--rule=example.com/api*=web:80",
            "--class=nginx",
        ],
        "/ingresses",
    ),
    (
        &[
            "autoscale",
            "deployment",
            "web",
            "--min=2",
            "--max=5",
            "--cpu-percent=80",
        ],
        "/horizontalpodautoscalers",
    ),
];

/// `(get arguments, jsonpath, expected)`.
const READS: &[(&[&str], &str, &str)] = &[
    (
        &["deployment", "web"],
        "{.spec.replicas} {.spec.template.spec.containers[0].image}",
        "2 nginx:1.25",
    ),
    (
        &["job", "pi"],
        "{.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy}",
        r#"["echo","hi"] Never"#,
    ),
    (
        &["cronjob", "tick"],
        "{.spec.schedule} {.spec.jobTemplate.spec.template.spec.containers[0].image}",
        "*/5 * * * * busybox:1.36",
    ),
    (
        &["serviceaccount", "builder"],
        "{.kind} {.metadata.name}",
        "ServiceAccount builder",
    ),
    (
        &["role", "reader"],
        "{.rules[0].verbs} {.rules[0].resources}",
        r#"["get","list"] ["pods","configmaps"]"#,
    ),
    (
        &["rolebinding", "reader-binding"],
        "{.roleRef.name} {.subjects[0].kind} {.subjects[0].namespace}",
        "reader ServiceAccount default",
    ),
    (
        &["clusterrole", "node-reader"],
        "{.rules[0].verbs} {.rules[0].resources}",
        r#"["get","watch"] ["nodes"]"#,
    ),
    (
        &["pdb", "web-pdb"],
        "{.spec.minAvailable} {.spec.selector.matchLabels.app}",
        "1 web",
    ),
    (
        &["ingress", "web"],
        "{.spec.ingressClassName} {.spec.rules[0].host} {.spec.rules[0].http.paths[0].path} {.spec.rules[0].http.paths[0].backend.service.port.number}",
        "nginx example.com /api 80",
    ),
    (
        &["hpa", "web"],
        "{.spec.maxReplicas} {.spec.minReplicas} {.spec.metrics[0].resource.target.averageUtilization}",
        "5 2 80",
    ),
    (
        &["pod", "one"],
        "{.spec.containers[0].image} {.metadata.labels.app}",
        "busybox:1.36 one",
    ),
    (
        &["service", "web-svc"],
        "{.spec.ports[0].port} {.spec.ports[0].targetPort}",
        "8080 80",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_typed_generators_send_protobuf_for_every_kind() {
    tokio::time::timeout(Duration::from_secs(180), async {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("kc");
        let (child, line) = spawn_binary(&kc);
        assert!(line.starts_with("listening on http://"), "{line:?}");
        let k = Kubectl::with_kubeconfig(dir, kc);

        for (args, _) in CREATES {
            k.ok(args).await;
        }
        k.ok(&[
            "run",
            "one",
            "--image=busybox:1.36",
            "--labels=app=one",
            "--",
            "sleep",
            "3600",
        ])
        .await;
        k.ok(&[
            "expose",
            "deployment",
            "web",
            "--port=8080",
            "--target-port=80",
            "--name=web-svc",
        ])
        .await;
        for (what, path, want) in READS {
            let jsonpath = format!("jsonpath={path}");
            let args: Vec<&str> = ["get"]
                .iter()
                .chain(what.iter())
                .copied()
                .chain(["-o", &jsonpath])
                .collect();
            assert_eq!(k.ok(&args).await, *want, "kubectl {args:?}");
        }

        // Each create went over the wire as protobuf.
        let log: Value =
            serde_json::from_str(&k.ok(&["get", "--raw", "/__testserver/requests"]).await).unwrap();
        let posts: Vec<(&str, &str)> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["method"] == "POST")
            .map(|r| {
                (
                    r["path"].as_str().unwrap_or(""),
                    r["contentType"].as_str().unwrap_or(""),
                )
            })
            .collect();
        for (args, suffix) in CREATES {
            assert!(
                posts.iter().any(|(p, ct)| p.ends_with(suffix)
                    && ct.starts_with("application/vnd.kubernetes.protobuf")),
                "kubectl {args:?}: no protobuf POST to *{suffix} in {posts:?}"
            );
        }

        let out = terminate(child).await;
        assert!(out.ok, "exit status not 0: {}", out.stderr);
    })
    .await
    .expect("kubectl protobuf test timed out");
}
