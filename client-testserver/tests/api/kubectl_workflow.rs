//! The everyday built-in workflow of an operator author, with real kubectl
//! against the server binary (issue 13, "Must show"). Each test runs one
//! group of commands on a fresh server and checks the result with
//! `kubectl get ... -o jsonpath=...`. The expected defaults and messages are
//! kube-apiserver 1.33's (`defaults.go`, `strategy.go`, `validation.go`,
//! apimachinery's field errors), so a test fails exactly where the server
//! differs from a cluster.

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::kubectl::Kubectl;
use Step::{Get, Run};

/// The server binary as a child process, killed when dropped (also when a
/// test fails half-way).
struct Binary(Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary (HTTPS, generated CA and token) and a kubectl on the
/// kubeconfig it writes; waits at most 10 s for its `listening on` line.
async fn start() -> (Binary, Kubectl) {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_client-testserver"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig-out"])
        .arg(&kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let binary = Binary(child);
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = tokio::time::timeout(Duration::from_secs(10), rx)
        .await
        .expect("the binary printed no line within 10 s")
        .unwrap();
    assert!(
        line.starts_with("listening on https://127.0.0.1:"),
        "{line:?}"
    );
    (binary, Kubectl::with_kubeconfig(dir, kubeconfig))
}

/// Runs one workflow on a fresh binary under a hard timeout (each kubectl
/// call has its own).
async fn workflow(body: impl AsyncFnOnce(&Kubectl)) {
    tokio::time::timeout(Duration::from_secs(150), async {
        let (_binary, k) = start().await;
        body(&k).await;
    })
    .await
    .expect("kubectl workflow timed out");
}

/// One checked kubectl command.
enum Step<'a> {
    /// The command must succeed and print exactly this line.
    Run(&'a [&'a str], &'a str),
    /// `kubectl get <what> -o jsonpath=<path>` must print exactly this.
    Get(&'a [&'a str], &'a str, &'a str),
}

/// A workflow that is only steps, on a fresh binary.
async fn scripted(list: &[Step<'_>]) {
    workflow(async |k| steps(k, list).await).await;
}

/// Runs the steps in order; the first that differs fails the test.
async fn steps(k: &Kubectl, steps: &[Step<'_>]) {
    for s in steps {
        match s {
            Run(args, line) => assert_line(&k.ok(args).await, line),
            Get(what, path, want) => {
                let got = jsonpath(k, what, path).await;
                assert_eq!(got, *want, "kubectl get {what:?} -o jsonpath={path}");
            }
        }
    }
}

/// `kubectl get <what> -o jsonpath=<path>`.
async fn jsonpath(k: &Kubectl, what: &[&str], path: &str) -> String {
    let output = format!("jsonpath={path}");
    let mut args = vec!["get"];
    args.extend_from_slice(what);
    args.extend_from_slice(&["-o", &output]);
    k.ok(&args).await
}

/// The first `n` cells of each line of a table kubectl printed.
fn cells(out: &str, n: usize) -> Vec<Vec<&str>> {
    out.lines()
        .map(|l| l.split_whitespace().take(n).collect())
        .collect()
}

/// Runs a command that must fail; its stderr.
async fn fails(k: &Kubectl, args: &[&str]) -> String {
    let o = k.run(args).await;
    assert!(!o.ok, "kubectl {args:?} succeeded: {}", o.stdout);
    o.stderr
}

/// Asserts that `out` (kubectl's stdout) is exactly `line` and a newline.
fn assert_line(out: &str, line: &str) {
    assert_eq!(out.trim_end(), line, "{out}");
}

/// `kubectl create deployment web --image=nginx:1.25 --port=8080` (the
/// container is named `nginx` after its image).
const CREATE_WEB: Step<'static> = Run(
    &[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.25",
        "--port=8080",
    ],
    "deployment.apps/web created",
);

/// `kubectl run web --image=nginx:1.25` (labelled `run=web`).
const RUN_WEB: Step<'static> = Run(&["run", "web", "--image=nginx:1.25"], "pod/web created");

// `kubectl run`: SetDefaults_Pod / SetDefaults_PodSpec / SetDefaults_Container
// (core/v1 defaults.go) and the pod strategy's PrepareForCreate (phase
// Pending, qosClass); imagePullPolicy by tag (none or `:latest`: Always).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_run_gives_pod_defaults() {
    const PULL: &str = "{.spec.containers[0].imagePullPolicy}";
    scripted(&[
        RUN_WEB,
        Get(
            &["pod", "web"],
            "{.metadata.labels.run};{.spec.restartPolicy};{.spec.dnsPolicy};\
             {.spec.schedulerName};{.spec.terminationGracePeriodSeconds};\
             {.spec.enableServiceLinks};{.spec.containers[0].imagePullPolicy};\
             {.spec.containers[0].terminationMessagePath};\
             {.spec.containers[0].terminationMessagePolicy};{.status.phase};\
             {.status.qosClass}",
            "web;Always;ClusterFirst;default-scheduler;30;true;IfNotPresent;\
             /dev/termination-log;File;Pending;BestEffort",
        ),
        Run(
            &["run", "untagged", "--image=nginx"],
            "pod/untagged created",
        ),
        Get(&["pod", "untagged"], PULL, "Always"),
        Run(
            &["run", "latest", "--image=nginx:latest"],
            "pod/latest created",
        ),
        Get(&["pod", "latest"], PULL, "Always"),
    ])
    .await;
}

// `kubectl create deployment`: SetDefaults_Deployment (apps/v1 defaults.go)
// and the pod-template defaults; generation 1 from the strategy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_create_deployment_gives_deployment_defaults() {
    scripted(&[
        CREATE_WEB,
        Get(
            &["deployment", "web"],
            "{.spec.replicas};{.spec.selector.matchLabels.app};{.spec.strategy.type};\
             {.spec.strategy.rollingUpdate.maxUnavailable};\
             {.spec.strategy.rollingUpdate.maxSurge};{.spec.revisionHistoryLimit};\
             {.spec.progressDeadlineSeconds};{.metadata.generation}",
            "1;web;RollingUpdate;25%;25%;10;600;1",
        ),
        Get(
            &["deployment", "web"],
            "{.spec.template.spec.restartPolicy};{.spec.template.spec.dnsPolicy};\
             {.spec.template.spec.schedulerName};\
             {.spec.template.spec.terminationGracePeriodSeconds};\
             {.spec.template.spec.containers[0].name};\
             {.spec.template.spec.containers[0].imagePullPolicy};\
             {.spec.template.spec.containers[0].ports[0].containerPort};\
             {.spec.template.spec.containers[0].ports[0].protocol}",
            "Always;ClusterFirst;default-scheduler;30;nginx;IfNotPresent;8080;TCP",
        ),
    ])
    .await;
}

/// The job's generated selector and template labels (the job strategy's
/// generateSelector).
const JOB_SELECTOR: &str = r"{.spec.selector.matchLabels.batch\.kubernetes\.io/controller-uid};{.spec.template.metadata.labels.batch\.kubernetes\.io/job-name};{.spec.template.metadata.labels.job-name};{.spec.template.metadata.labels.controller-uid}";

// `kubectl create job` and `create cronjob`: SetDefaults_Job and
// SetDefaults_CronJob (batch/v1 defaults.go); the job strategy generates the
// selector on the object's uid and labels the template.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_create_job_and_cronjob_give_batch_defaults() {
    workflow(async |k| {
        steps(
            k,
            &[
                Run(
                    &[
                        "create",
                        "job",
                        "once",
                        "--image=busybox:1.36",
                        "--",
                        "true",
                    ],
                    "job.batch/once created",
                ),
                Get(
                    &["job", "once"],
                    "{.spec.backoffLimit};{.spec.completions};{.spec.parallelism};\
                     {.spec.completionMode};{.spec.suspend};\
                     {.spec.template.spec.restartPolicy};{.metadata.generation}",
                    "6;1;1;NonIndexed;false;Never;1",
                ),
            ],
        )
        .await;
        let uid = jsonpath(k, &["job", "once"], "{.metadata.uid}").await;
        assert!(!uid.is_empty());
        let want = format!("{uid};once;once;{uid}");
        steps(
            k,
            &[
                Get(&["job", "once"], JOB_SELECTOR, &want),
                Run(
                    &[
                        "create",
                        "cronjob",
                        "nightly",
                        "--image=busybox:1.36",
                        "--schedule=0 3 * * *",
                    ],
                    "cronjob.batch/nightly created",
                ),
                Get(
                    &["cronjob", "nightly"],
                    "{.spec.schedule};{.spec.concurrencyPolicy};{.spec.suspend};\
                     {.spec.successfulJobsHistoryLimit};{.spec.failedJobsHistoryLimit}",
                    "0 3 * * *;Allow;false;3;1",
                ),
            ],
        )
        .await;
    })
    .await;
}

// `kubectl create secret generic` (type defaults to Opaque) and
// `create serviceaccount`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_create_secret_and_serviceaccount() {
    scripted(&[
        Run(
            &[
                "create",
                "secret",
                "generic",
                "creds",
                "--from-literal=user=admin",
            ],
            "secret/creds created",
        ),
        Get(
            &["secret", "creds"],
            "{.type};{.data.user}",
            "Opaque;YWRtaW4=",
        ),
        Run(
            &["create", "serviceaccount", "builder"],
            "serviceaccount/builder created",
        ),
        Get(
            &["serviceaccount", "builder"],
            "{.kind};{.metadata.namespace};{.metadata.name}",
            "ServiceAccount;default;builder",
        ),
    ])
    .await;
}

// `kubectl create role`, `rolebinding`, `clusterrole`: RBAC objects are
// stored as sent (kubectl resolves the resources through discovery).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_create_rbac_objects() {
    scripted(&[
        Run(
            &[
                "create",
                "role",
                "pod-reader",
                "--verb=get,list,watch",
                "--resource=pods",
            ],
            "role.rbac.authorization.k8s.io/pod-reader created",
        ),
        Get(
            &["role", "pod-reader"],
            "{.rules[0].apiGroups};{.rules[0].resources};{.rules[0].verbs}",
            r#"[""];["pods"];["get","list","watch"]"#,
        ),
        Run(
            &[
                "create",
                "rolebinding",
                "read-pods",
                "--role=pod-reader",
                "--serviceaccount=default:builder",
            ],
            "rolebinding.rbac.authorization.k8s.io/read-pods created",
        ),
        Get(
            &["rolebinding", "read-pods"],
            "{.roleRef.apiGroup};{.roleRef.kind};{.roleRef.name};{.subjects[0].kind};\
             {.subjects[0].name};{.subjects[0].namespace}",
            "rbac.authorization.k8s.io;Role;pod-reader;ServiceAccount;builder;default",
        ),
        Run(
            &[
                "create",
                "clusterrole",
                "deployment-lister",
                "--verb=list",
                "--resource=deployments.apps",
            ],
            "clusterrole.rbac.authorization.k8s.io/deployment-lister created",
        ),
        Get(
            &["clusterrole", "deployment-lister"],
            "{.metadata.namespace};{.rules[0].apiGroups};{.rules[0].resources};\
             {.rules[0].verbs}",
            r#";["apps"];["deployments"];["list"]"#,
        ),
    ])
    .await;
}

// `kubectl create poddisruptionbudget` and `create ingress`: stored with
// generation 1 (their strategies' PrepareForCreate).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_create_pdb_and_ingress() {
    scripted(&[
        Run(
            &[
                "create",
                "poddisruptionbudget",
                "web-pdb",
                "--selector=app=web",
                "--min-available=1",
            ],
            "poddisruptionbudget.policy/web-pdb created",
        ),
        Get(
            &["pdb", "web-pdb"],
            "{.spec.minAvailable};{.spec.selector.matchLabels.app};\
             {.metadata.generation}",
            "1;web;1",
        ),
        Run(
            &["create", "ingress", "web", "--rule=example.com/app*=web:80"],
            "ingress.networking.k8s.io/web created",
        ),
        Get(
            &["ingress", "web"],
            "{.spec.rules[0].host};{.spec.rules[0].http.paths[0].path};\
             {.spec.rules[0].http.paths[0].pathType};\
             {.spec.rules[0].http.paths[0].backend.service.name};\
             {.spec.rules[0].http.paths[0].backend.service.port.number};\
             {.metadata.generation}",
            "example.com;/app;Prefix;web;80;1",
        ),
    ])
    .await;
}

/// Whether `ip` is in 10.96.0.0/12, the service range kubeadm clusters use.
fn in_service_range(ip: &str) -> bool {
    let Ok(ip) = ip.parse::<Ipv4Addr>() else {
        return false;
    };
    u32::from(ip) & 0xfff0_0000 == u32::from(Ipv4Addr::new(10, 96, 0, 0))
}

const PLAIN_SERVICE: &str = "apiVersion: v1
kind: Service
metadata: {name: plain}
spec:
  selector: {app: web}
  ports:
  - port: 443
";

// `kubectl expose`: SetDefaults_Service (type, sessionAffinity, protocol,
// targetPort from port) and the service REST storage's ClusterIP allocation
// and IP families.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_expose_allocates_a_cluster_ip_with_service_defaults() {
    workflow(async |k| {
        steps(
            k,
            &[
                CREATE_WEB,
                Run(
                    &[
                        "expose",
                        "deployment",
                        "web",
                        "--port=80",
                        "--target-port=8080",
                    ],
                    "service/web exposed",
                ),
                Get(
                    &["service", "web"],
                    "{.spec.type};{.spec.sessionAffinity};{.spec.selector.app};\
                     {.spec.ports[0].port};{.spec.ports[0].targetPort};\
                     {.spec.ports[0].protocol};{.spec.internalTrafficPolicy};\
                     {.spec.ipFamilyPolicy};{.spec.ipFamilies}",
                    r#"ClusterIP;None;web;80;8080;TCP;Cluster;SingleStack;["IPv4"]"#,
                ),
            ],
        )
        .await;
        let ips = jsonpath(
            k,
            &["service", "web"],
            "{.spec.clusterIP};{.spec.clusterIPs}",
        )
        .await;
        let (ip, all) = ips.split_once(';').unwrap();
        assert!(in_service_range(ip), "clusterIP {ip:?} not in 10.96.0.0/12");
        assert_eq!(all, format!(r#"["{ip}"]"#));

        // Without targetPort and protocol the server fills them in, and a
        // second service gets another address.
        let plain = k.file("plain.yaml", PLAIN_SERVICE);
        k.ok(&["apply", "-f", plain.to_str().unwrap()]).await;
        let got = jsonpath(
            k,
            &["service", "plain"],
            "{.spec.ports[0].targetPort};{.spec.ports[0].protocol};{.spec.type};\
             {.spec.sessionAffinity};{.spec.clusterIP}",
        )
        .await;
        let (defaults, other_ip) = got.rsplit_once(';').unwrap();
        assert_eq!(defaults, "443;TCP;ClusterIP;None");
        assert!(in_service_range(other_ip), "clusterIP {other_ip:?}");
        assert_ne!(other_ip, ip);
    })
    .await;
}

// `kubectl scale` (a merge patch of the /scale subresource), `set image`
// (a strategic merge patch that bumps the generation and keeps the
// container's ports) and `rollout restart` (the restartedAt annotation in
// the pod template).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_scale_set_image_and_rollout_restart() {
    workflow(async |k| {
        steps(k, &[CREATE_WEB]).await;
        let o = k
            .run(&["-v=6", "scale", "deployment", "web", "--replicas=3"])
            .await;
        assert!(o.ok, "{}{}", o.stdout, o.stderr);
        assert_line(&o.stdout, "deployment.apps/web scaled");
        // kubectl 1.32 logs each answer as `"Response" verb="PATCH" url="..."
        // status="200 OK"`.
        assert!(
            o.stderr.lines().any(|l| l.contains(r#"verb="PATCH""#)
                && l.contains(r#"/apis/apps/v1/namespaces/default/deployments/web/scale""#)
                && l.contains(r#"status="200 OK""#)),
            "kubectl scale went through /scale: {}",
            o.stderr
        );
        steps(
            k,
            &[
                Get(
                    &["deployment", "web"],
                    "{.spec.replicas};{.metadata.generation}",
                    "3;2",
                ),
                Run(
                    &["set", "image", "deployment/web", "nginx=nginx:1.26"],
                    "deployment.apps/web image updated",
                ),
                Get(
                    &["deployment", "web"],
                    "{.spec.template.spec.containers[0].image};\
                     {.spec.template.spec.containers[0].ports[0].containerPort};\
                     {.metadata.generation}",
                    "nginx:1.26;8080;3",
                ),
                Run(
                    &["rollout", "restart", "deployment/web"],
                    "deployment.apps/web restarted",
                ),
            ],
        )
        .await;
        let got = jsonpath(
            k,
            &["deployment", "web"],
            r"{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt};{.metadata.generation}",
        )
        .await;
        let (restarted_at, generation) = got.split_once(';').unwrap();
        assert!(
            restarted_at.parse::<jiff::Timestamp>().is_ok(),
            "restartedAt {restarted_at:?}"
        );
        assert_eq!(generation, "4");
    })
    .await;
}

/// `kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=80`.
const AUTOSCALE_WEB: Step<'static> = Run(
    &[
        "autoscale",
        "deployment",
        "web",
        "--min=2",
        "--max=5",
        "--cpu-percent=80",
    ],
    "horizontalpodautoscaler.autoscaling/web autoscaled",
);

// `kubectl autoscale`: kubectl 1.32 POSTs an autoscaling/v2 HPA (and
// autoscaling/v1 only if v2 fails).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_autoscale_creates_an_hpa() {
    scripted(&[
        CREATE_WEB,
        AUTOSCALE_WEB,
        Get(
            &["hpa", "web"],
            "{.apiVersion};{.spec.scaleTargetRef.apiVersion};\
             {.spec.scaleTargetRef.kind};{.spec.scaleTargetRef.name};\
             {.spec.minReplicas};{.spec.maxReplicas};{.spec.metrics[0].type};\
             {.spec.metrics[0].resource.name};{.spec.metrics[0].resource.target.type};\
             {.spec.metrics[0].resource.target.averageUtilization}",
            "autoscaling/v2;apps/v1;Deployment;web;2;5;Resource;cpu;Utilization;80",
        ),
    ])
    .await;
}

/// `kubectl autoscale deployment web --max=3`: no --min, no --cpu-percent.
const AUTOSCALE_WEB_MAX_ONLY: Step<'static> = Run(
    &["autoscale", "deployment", "web", "--max=3"],
    "horizontalpodautoscaler.autoscaling/web autoscaled",
);

// Without --min the server sets minReplicas 1 (autoscaling/v2
// SetDefaults_HorizontalPodAutoscaler).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_autoscale_hpa_defaults() {
    scripted(&[
        CREATE_WEB,
        AUTOSCALE_WEB_MAX_ONLY,
        Get(
            &["hpa", "web"],
            "{.spec.minReplicas};{.spec.maxReplicas}",
            "1;3",
        ),
    ])
    .await;
}

// Without --cpu-percent the same defaulting adds a cpu Utilization metric
// of 80 (autoscaling.DefaultCPUUtilization).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "not modelled: the v2 metric defaults (README, strategies table, \
            HorizontalPodAutoscaler row)"]
async fn workflow_autoscale_hpa_metric_default() {
    scripted(&[
        CREATE_WEB,
        AUTOSCALE_WEB_MAX_ONLY,
        Get(
            &["hpa", "web"],
            "{.spec.metrics[0].type};{.spec.metrics[0].resource.name};\
             {.spec.metrics[0].resource.target.type};\
             {.spec.metrics[0].resource.target.averageUtilization}",
            "Resource;cpu;Utilization;80",
        ),
    ])
    .await;
}

// kube-apiserver converts between an HPA's versions: v1's
// targetCPUUtilizationPercentage is v2's cpu Utilization metric. v1 is named
// in full: given the short name `hpa.v1.autoscaling`, kubectl 1.32 requested
// the v2 URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "not modelled: objects are read at another version with their fields as written \
            (README, \"several versions of one resource\")"]
async fn workflow_autoscale_hpa_reads_through_v1() {
    scripted(&[
        CREATE_WEB,
        AUTOSCALE_WEB,
        Get(
            &["horizontalpodautoscalers.v1.autoscaling", "web"],
            "{.apiVersion};{.spec.minReplicas};{.spec.maxReplicas};\
             {.spec.targetCPUUtilizationPercentage}",
            "autoscaling/v1;2;5;80",
        ),
    ])
    .await;
}

// `kubectl label` and `annotate` (merge patches of metadata), then `get -l`.
// The deployment strategy bumps the generation on a change of the spec or
// of the annotations (they are copied to ReplicaSets), not of the labels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_label_annotate_and_select_by_label() {
    scripted(&[
        CREATE_WEB,
        Run(
            &["label", "deployment", "web", "tier=frontend"],
            "deployment.apps/web labeled",
        ),
        Get(
            &["deployment", "web"],
            "{.metadata.labels.tier};{.metadata.generation}",
            "frontend;1",
        ),
        Run(
            &["annotate", "deployment", "web", "owner=team-a"],
            "deployment.apps/web annotated",
        ),
        Get(
            &["deployment", "web"],
            "{.metadata.annotations.owner};{.metadata.generation}",
            "team-a;2",
        ),
        Run(
            &["get", "deployments", "-l", "tier=frontend", "-o", "name"],
            "deployment.apps/web",
        ),
        Run(
            &[
                "get",
                "deployments",
                "-l",
                "tier in (backend)",
                "-o",
                "name",
            ],
            "",
        ),
        // A trailing dash removes the label.
        Run(
            &["label", "deployment", "web", "tier-"],
            "deployment.apps/web unlabeled",
        ),
        Get(
            &["deployment", "web"],
            "{.metadata.labels}",
            r#"{"app":"web"}"#,
        ),
    ])
    .await;
}

/// A Deployment with two containers; `web_image` is the first one's image.
fn two_container_deployment(web_image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app}}
  template:
    metadata:
      labels: {{app: app}}
    spec:
      containers:
      - name: web
        image: {web_image}
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
        command: [sleep, '3600']
"
    )
}

/// The same Deployment without its sidecar.
const ONE_CONTAINER_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: web
        image: nginx:1.26
        ports:
        - containerPort: 80
";

const CONTAINERS: &str = "{range .spec.template.spec.containers[*]}{.name}={.image} {end}";

// Client-side `kubectl apply` twice: the second is a strategic merge patch
// that changes one container (merge key `name`) and must keep the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_apply_twice_merges_containers_by_name() {
    workflow(async |k| {
        let first = k.file("app1.yaml", &two_container_deployment("nginx:1.25"));
        let second = k.file("app2.yaml", &two_container_deployment("nginx:1.26"));
        // Dropping the sidecar from the configuration deletes it (a
        // `$patch: delete` item in the patch).
        let third = k.file("app3.yaml", ONE_CONTAINER_DEPLOYMENT);
        let app = &["deployment", "app"];
        steps(
            k,
            &[
                Run(
                    &["apply", "-f", first.to_str().unwrap()],
                    "deployment.apps/app created",
                ),
                Run(
                    &["apply", "-f", second.to_str().unwrap()],
                    "deployment.apps/app configured",
                ),
                Get(app, CONTAINERS, "web=nginx:1.26 sidecar=busybox:1.36 "),
                Get(
                    app,
                    "{.spec.template.spec.containers[1].command};{.metadata.generation}",
                    r#"["sleep","3600"];2"#,
                ),
                Run(
                    &["apply", "-f", third.to_str().unwrap()],
                    "deployment.apps/app configured",
                ),
                Get(app, CONTAINERS, "web=nginx:1.26 "),
            ],
        )
        .await;
    })
    .await;
}

/// What the second manager applies: only the sidecar of Deployment `app`.
const SIDECAR_ONLY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: sidecar
        image: busybox:1.36
";

/// The containers of Deployment `app` as sorted `name=image` pairs, and its
/// field managers with their operations, sorted.
async fn containers_and_managers(k: &Kubectl) -> (Vec<String>, Vec<String>) {
    let sorted = |text: String| {
        let mut words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        words.sort();
        words
    };
    let containers = jsonpath(k, &["deployment", "app"], CONTAINERS).await;
    let managers = k
        .ok(&[
            "get",
            "deployment",
            "app",
            "--show-managed-fields",
            "-o",
            "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}",
        ])
        .await;
    (sorted(containers), sorted(managers))
}

/// `kubectl apply --server-side --field-manager=<manager>` of `yaml`.
async fn server_side_apply(k: &Kubectl, manager: &str, yaml: &str) {
    let file = k.file(&format!("{manager}.yaml"), yaml);
    let manager = format!("--field-manager={manager}");
    let args = [
        "apply",
        "--server-side",
        &manager,
        "-f",
        file.to_str().unwrap(),
    ];
    assert_line(&k.ok(&args).await, "deployment.apps/app serverside-applied");
}

// Server-side apply by two managers: containers is a map list keyed by
// `name` (x-kubernetes-list-map-keys), so each manager owns its own
// container, neither conflicts, and a later apply of one keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_server_side_apply_merges_containers_by_name() {
    workflow(async |k| {
        server_side_apply(k, "team-a", ONE_CONTAINER_DEPLOYMENT).await;
        server_side_apply(k, "team-b", SIDECAR_ONLY).await;
        let (containers, managers) = containers_and_managers(k).await;
        assert_eq!(containers, ["sidecar=busybox:1.36", "web=nginx:1.26"]);
        assert_eq!(managers, ["team-a/Apply", "team-b/Apply"]);
        // team-a applies again with another image: the sidecar stays.
        let newer = ONE_CONTAINER_DEPLOYMENT.replace("nginx:1.26", "nginx:1.27");
        server_side_apply(k, "team-a", &newer).await;
        let (containers, _) = containers_and_managers(k).await;
        assert_eq!(containers, ["sidecar=busybox:1.36", "web=nginx:1.27"]);
    })
    .await;
}

/// `--field-selector` for pods in all namespaces: `namespace/name` of each.
async fn pods_where(k: &Kubectl, selector: &str) -> String {
    let names = "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}";
    let args = [
        "get",
        "pods",
        "-A",
        "--field-selector",
        selector,
        "-o",
        names,
    ];
    k.ok(&args).await
}

// `kubectl get all` (the `all` category), `get -A`, server-side Table
// columns, `-l`, and the pod field selectors `status.phase` and
// `spec.nodeName`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_get_all_all_namespaces_and_selectors() {
    workflow(async |k| {
        steps(
            k,
            &[
                CREATE_WEB,
                Run(
                    &["expose", "deployment", "web", "--port=80"],
                    "service/web exposed",
                ),
                Run(
                    &["create", "job", "once", "--image=busybox:1.36"],
                    "job.batch/once created",
                ),
                RUN_WEB,
                Run(&["create", "namespace", "other"], "namespace/other created"),
                Run(
                    &["run", "db", "--image=postgres:16", "-n", "other"],
                    "pod/db created",
                ),
            ],
        )
        .await;

        let out = k.ok(&["get", "all", "-o", "name"]).await;
        for name in [
            "pod/web",
            "service/web",
            "deployment.apps/web",
            "job.batch/once",
        ] {
            assert!(out.lines().any(|l| l == name), "{name} missing:\n{out}");
        }
        assert!(!out.contains("pod/db"), "other namespace listed:\n{out}");
        let out = k
            .ok(&["get", "pods", "-A", "-l", "run=db", "-o", "name"])
            .await;
        assert_line(&out, "pod/db");

        for (selector, want) in [
            ("status.phase=Pending", "default/web other/db "),
            ("status.phase=Running", ""),
            ("spec.nodeName=", "default/web other/db "),
            ("spec.nodeName=node-1", ""),
            ("status.phase=Pending,metadata.namespace=other", "other/db "),
        ] {
            assert_eq!(pods_where(k, selector).await, want, "{selector}");
        }

        // Server-side printing: kube's columns for pods, deployments and
        // services (AGE, last, is left out; the service by name, since a
        // cluster also has `kubernetes` in `default`).
        let out = k.ok(&["get", "pods", "-A"]).await;
        assert_eq!(
            cells(&out, 5),
            [
                ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS"],
                ["default", "web", "0/1", "Pending", "0"],
                ["other", "db", "0/1", "Pending", "0"]
            ],
            "{out}"
        );
        let out = k.ok(&["get", "deployments"]).await;
        assert_eq!(
            cells(&out, 4),
            [
                ["NAME", "READY", "UP-TO-DATE", "AVAILABLE"],
                ["web", "0/1", "0", "0"]
            ],
            "{out}"
        );
        let ip = jsonpath(k, &["service", "web"], "{.spec.clusterIP}").await;
        let out = k.ok(&["get", "services", "web"]).await;
        assert_eq!(
            cells(&out, 5),
            [
                ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"],
                ["web", "ClusterIP", ip.as_str(), "<none>", "80/TCP"]
            ],
            "{out}"
        );
    })
    .await;
}

// `kubectl explain` reads the built-in kinds' OpenAPI v3 documents; `auth
// can-i` is answered by a SelfSubjectAccessReview.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_explain_and_auth_can_i() {
    workflow(async |k| {
        let out = k.ok(&["explain", "deployment.spec.replicas"]).await;
        assert!(out.contains("FIELD: replicas <integer>"), "{out}");
        let words: Vec<&str> = out.split_whitespace().collect();
        assert!(
            words.join(" ").contains(
                "Number of desired pods. This is a pointer to distinguish between explicit \
                 zero and not specified. Defaults to 1."
            ),
            "{out}"
        );
        steps(
            k,
            &[
                Run(&["auth", "can-i", "create", "deployments"], "yes"),
                Run(
                    &["auth", "can-i", "delete", "pods", "-n", "kube-system"],
                    "yes",
                ),
            ],
        )
        .await;
    })
    .await;
}

// `kubectl delete`: a Deployment and an unscheduled pod are gone afterwards
// (kubectl waits for that).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_delete_removes_objects() {
    workflow(async |k| {
        steps(
            k,
            &[
                CREATE_WEB,
                RUN_WEB,
                Run(
                    &["delete", "deployment", "web", "--timeout=15s"],
                    "deployment.apps \"web\" deleted",
                ),
                Run(
                    &["delete", "pod", "web", "--timeout=15s"],
                    "pod \"web\" deleted",
                ),
            ],
        )
        .await;
        for (what, message) in [
            ("deployment", r#"deployments.apps "web" not found"#),
            ("pod", r#"pods "web" not found"#),
        ] {
            let err = fails(k, &["get", what, "web"]).await;
            assert!(
                err.contains(&format!("Error from server (NotFound): {message}")),
                "{err}"
            );
        }
    })
    .await;
}

/// `kubectl create -f` of `yaml` fails with exactly `message` (kubectl's
/// rendering of a 422 with one cause: `The Kind "name" is invalid: field:
/// cause message`) and stores nothing.
async fn invalid(yaml: &str, resource: &str, name: &str, message: &str) {
    workflow(async |k| {
        let file = k.file("bad.yaml", yaml);
        let err = fails(k, &["create", "-f", file.to_str().unwrap()]).await;
        assert_eq!(err.trim_end(), message);
        let err = fails(k, &["get", resource, name]).await;
        assert!(err.contains("(NotFound)"), "{err}");
    })
    .await;
}

// ValidatePodTemplateSpec → validateContainers: an image is required.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_invalid_deployment_without_image() {
    invalid(
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: noimage}
spec:
  selector:
    matchLabels: {app: noimage}
  template:
    metadata:
      labels: {app: noimage}
    spec:
      containers:
      - name: main
",
        "deployment",
        "noimage",
        r#"The Deployment "noimage" is invalid: spec.template.spec.containers[0].image: Required value"#,
    )
    .await;
}

// ValidateDeploymentSpec → ValidatePodTemplateSpecForReplicaSet: the
// selector must match the template's labels (the value is Go's %#v of the
// labels map in 1.33).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_invalid_deployment_selector_mismatch() {
    invalid(
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: mismatch}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: other}
    spec:
      containers:
      - name: main
        image: nginx:1.25
",
        "deployment",
        "mismatch",
        "The Deployment \"mismatch\" is invalid: spec.template.metadata.labels: Invalid value: \
         map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
    )
    .await;
}

// validateServicePort: IsValidPortNum's InclusiveRangeError.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_invalid_service_port() {
    invalid(
        "apiVersion: v1
kind: Service
metadata: {name: badport}
spec:
  selector: {app: web}
  ports:
  - port: 70000
    targetPort: 8080
",
        "service",
        "badport",
        r#"The Service "badport" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"#,
    )
    .await;
}

// A Service's name must be a DNS-1035 label (ValidateServiceName), stricter
// than the DNS-1123 subdomain of most kinds: a leading digit is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_invalid_service_name() {
    invalid(
        "apiVersion: v1
kind: Service
metadata: {name: 1web}
spec:
  selector: {app: web}
  ports:
  - port: 80
",
        "service",
        "1web",
        "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 \
         label must consist of lower case alphanumeric characters or '-', start with an \
         alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or \
         'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    )
    .await;
}
