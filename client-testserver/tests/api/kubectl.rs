//! kubectl v1.32 against the server: temporary HOME and cache dir, a hard
//! timeout per command (killed on expiry), the kubeconfig the server writes.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Kubectl {
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

pub(crate) struct Out {
    pub(crate) ok: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

fn wait_with_timeout(mut child: Child, limit: Duration) -> Out {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().unwrap() {
            Some(status) => {
                let mut stdout = String::new();
                let mut stderr = String::new();
                child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut stdout)
                    .unwrap();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr)
                    .unwrap();
                return Out {
                    ok: status.success(),
                    stdout,
                    stderr,
                };
            }
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("command timed out after {limit:?}");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

impl Kubectl {
    pub(crate) fn new(server: &client_testserver::TestServer) -> Kubectl {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        server.write_kubeconfig(&kubeconfig).unwrap();
        Kubectl { dir, kubeconfig }
    }

    /// kubectl with the kubeconfig at `kubeconfig`, HOME and cache in `dir`.
    pub(crate) fn with_kubeconfig(dir: tempfile::TempDir, kubeconfig: PathBuf) -> Kubectl {
        Kubectl { dir, kubeconfig }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("kubectl");
        c.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Runs kubectl on a blocking thread; the server keeps serving.
    pub(crate) async fn run(&self, args: &[&str]) -> Out {
        let child = self.command(args).spawn().expect("kubectl is installed");
        tokio::task::spawn_blocking(move || wait_with_timeout(child, Duration::from_secs(20)))
            .await
            .unwrap()
    }

    pub(crate) async fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args).await;
        assert!(o.ok, "kubectl {args:?} failed: {}{}", o.stdout, o.stderr);
        o.stdout
    }
}

const CRD_YAML: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
"#;

const CT_YAML: &str = r#"
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my, labels: {app: web}}
spec: {cronSpec: "* * * * */5", replicas: 1}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_end_to_end() {
    tokio::time::timeout(Duration::from_secs(120), async {
        let s = client_testserver::TestServer::start().await.unwrap();
        let k = Kubectl::new(&s);
        let crd = k.file("crd.yaml", CRD_YAML);
        let ct = k.file("ct.yaml", CT_YAML);
        let crd = crd.to_str().unwrap();
        let ct = ct.to_str().unwrap();
        // Validation through /openapi/v3 works: no --validate=false.
        k.ok(&["apply", "-f", crd]).await;
        k.ok(&[
            "wait",
            "--for",
            "condition=established",
            "crd/crontabs.stable.example.com",
            "--timeout=10s",
        ])
        .await;
        let out = k.ok(&["apply", "-f", ct]).await;
        assert!(
            out.contains("crontab.stable.example.com/my created"),
            "{out}"
        );
        let out = k.ok(&["get", "crontabs"]).await;
        let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(header, ["NAME", "SPEC", "REPLICAS"], "{out}");
        assert!(out.contains("* * * * */5"), "{out}");
        let json: serde_json::Value =
            serde_json::from_str(&k.ok(&["get", "ct", "my", "-o", "json"]).await).unwrap();
        assert_eq!(json["spec"]["replicas"], 1);
        assert!(
            k.ok(&["get", "ct", "-l", "app=web", "-o", "name"])
                .await
                .contains("crontab.stable.example.com/my")
        );
        assert_eq!(
            k.ok(&["get", "ct", "-l", "app=db", "-o", "name"])
                .await
                .trim(),
            ""
        );
        k.ok(&[
            "patch",
            "ct",
            "my",
            "--type=merge",
            "-p",
            r#"{"spec":{"cronSpec":"0 * * * *"}}"#,
        ])
        .await;
        k.ok(&[
            "patch",
            "ct",
            "my",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"replicas":2}}"#,
        ])
        .await;
        k.ok(&["scale", "ct", "my", "--replicas=3"]).await;
        let got = k
            .ok(&[
                "get",
                "ct",
                "my",
                "-o",
                "jsonpath={.spec.cronSpec}/{.spec.replicas}/{.status.replicas}",
            ])
            .await;
        assert_eq!(got, "0 * * * */3/2");
        // get -w sees a change made after it started.
        let mut watcher = k
            .command(&["get", "ct", "-w", "--request-timeout=20s"])
            .spawn()
            .unwrap();
        let stdout = watcher.stdout.take().unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // First the current state, then the change.
        let first = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(first.starts_with("NAME"), "{first}");
        let row = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(row.starts_with("my "), "{row}");
        k.ok(&["label", "ct", "my", "seen=yes"]).await;
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(ev.starts_with("my "), "{ev}");
        let _ = watcher.kill();
        let _ = watcher.wait();
        // delete returns promptly: kubectl waits for the object to go with a
        // watch (sendInitialEvents); a server that accepted it and stayed
        // silent would make it fail with "timed out waiting" after 15 s.
        let out = k.ok(&["delete", "ct", "my", "--timeout=15s"]).await;
        assert!(out.contains("deleted"), "{out}");
        let o = k.run(&["get", "ct", "my"]).await;
        assert!(!o.ok);
        assert!(
            o.stderr.contains(
                "Error from server (NotFound): crontabs.stable.example.com \"my\" not found"
            ),
            "{}",
            o.stderr
        );
        let out = k.ok(&["api-resources"]).await;
        let line = out
            .lines()
            .find(|l| l.starts_with("crontabs "))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(
            line.contains("ct")
                && line.contains("stable.example.com/v1")
                && line.contains("CronTab"),
            "{line}"
        );
        // Client-side apply of a built-in twice: the second is a strategic
        // merge patch.
        let cm1 = k.file(
            "cm1.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\n",
        );
        k.ok(&["apply", "-f", cm1.to_str().unwrap()]).await;
        let cm2 = k.file(
            "cm2.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {b: '2'}\n",
        );
        let out = k.ok(&["apply", "-f", cm2.to_str().unwrap()]).await;
        assert!(out.contains("configmap/c configured"), "{out}");
        let data = k.ok(&["get", "cm", "c", "-o", "jsonpath={.data}"]).await;
        assert_eq!(data, r#"{"b":"2"}"#);
        // Typed generators send protobuf bodies.
        k.ok(&["create", "namespace", "made-by-kubectl"]).await;
        k.ok(&[
            "create",
            "configmap",
            "gen",
            "-n",
            "made-by-kubectl",
            "--from-literal=a=b",
        ])
        .await;
        k.ok(&["create", "secret", "generic", "sec", "--from-literal=x=y"])
            .await;
        let got = k
            .ok(&[
                "get",
                "cm",
                "gen",
                "-n",
                "made-by-kubectl",
                "-o",
                "jsonpath={.data.a}",
            ])
            .await;
        assert_eq!(got, "b");
        let got = k
            .ok(&["get", "secret", "sec", "-o", "jsonpath={.data.x}/{.type}"])
            .await;
        assert_eq!(got, "eQ==/Opaque");
        let out = k.ok(&["get", "namespaces"]).await;
        assert!(out.contains("kube-system"), "{out}");
    })
    .await
    .expect("kubectl test timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_with_a_client_certificate() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let s = client_testserver::TestServer::builder()
            .no_auth()
            .client_cert_auth()
            .start()
            .await
            .unwrap();
        let k = Kubectl::new(&s);
        let with_cert = s
            .client_cert_kubeconfig("alice", &["dev".into()])
            .unwrap()
            .unwrap();
        std::fs::write(&k.kubeconfig, with_cert).unwrap();
        let out = k.ok(&["get", "ns", "kube-system", "-o", "name"]).await;
        assert_eq!(out.trim(), "namespace/kube-system");
        // Without a certificate (here: a bogus token) it is refused. (With no
        // credentials at all kubectl would prompt for a password on stdin.)
        let bogus = client_testserver::kubeconfig::render_kubeconfig(
            s.url(),
            s.ca_pem(),
            &client_testserver::kubeconfig::KubeconfigUser::Token("bogus".into()),
        );
        std::fs::write(&k.kubeconfig, bogus).unwrap();
        let o = k.run(&["get", "ns"]).await;
        assert!(!o.ok);
        assert!(
            o.stderr
                .contains("error: You must be logged in to the server (Unauthorized)"),
            "{}",
            o.stderr
        );
    })
    .await
    .expect("kubectl test timed out");
}

fn read_first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line
}

/// Starts the binary on a free port over plain HTTP, writing its
/// kubeconfig to `kc`; returns the child and its first line of stdout.
pub(crate) fn spawn_binary(kc: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_client-testserver"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig-out"])
        .arg(kc)
        .arg("--plain-http")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let line = tokio::task::block_in_place(|| read_first_line(&mut child));
    (child, line)
}

/// Sends SIGTERM to the binary and waits (at most 10 s) for it to exit.
pub(crate) async fn terminate(child: Child) -> Out {
    let pid = child.id().to_string();
    let st = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(st.success());
    tokio::task::spawn_blocking(move || wait_with_timeout(child, Duration::from_secs(10)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_prints_url_writes_kubeconfig_and_stops_on_sigterm() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("kc");
        let (child, line) = spawn_binary(&kc);
        assert!(
            line.starts_with("listening on http://127.0.0.1:"),
            "{line:?}"
        );
        assert!(line.ends_with('\n'));
        let text = std::fs::read_to_string(&kc).unwrap();
        assert!(
            text.contains(line.trim().trim_start_matches("listening on ")),
            "{text}"
        );
        let k = Kubectl {
            dir,
            kubeconfig: kc.clone(),
        };
        let out = k.ok(&["get", "ns", "default", "-o", "name"]).await;
        assert_eq!(out.trim(), "namespace/default");
        assert!(Path::new(&kc).exists());
        let out = terminate(child).await;
        assert!(out.ok, "exit status not 0: {}", out.stderr);
        assert_eq!(out.stdout, "", "only one line on stdout");
    })
    .await
    .expect("binary test timed out");
}

const WIDGET_CRD_YAML: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.example.com
spec:
  group: demo.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              color: {type: string, enum: [red, green, blue], default: red}
"#;

fn widget_yaml(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\nspec: {spec}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_server_side_apply_conflicts_and_schema() {
    tokio::time::timeout(Duration::from_secs(120), async {
        let s = client_testserver::TestServer::start().await.unwrap();
        let k = Kubectl::new(&s);
        let crd = k.file("crd.yaml", WIDGET_CRD_YAML);
        k.ok(&["apply", "-f", crd.to_str().unwrap()]).await;
        k.ok(&["wait", "--for", "condition=established", "crd/widgets.demo.example.com", "--timeout=10s"])
            .await;
        let get = |name: &'static str| {
            let k = &k;
            async move {
                let out = k
                    .ok(&["get", "widget", name, "-o", "json", "--show-managed-fields"])
                    .await;
                serde_json::from_str::<serde_json::Value>(&out).unwrap()
            }
        };

        // server-side apply creates; the schema default is visible
        let w = k.file("w.yaml", &widget_yaml("w", "{size: 2}"));
        let w = w.to_str().unwrap();
        let out = k.ok(&["apply", "--server-side", "-f", w]).await;
        assert!(out.contains("widget.demo.example.com/w serverside-applied"), "{out}");
        let v = get("w").await;
        assert_eq!(v["spec"], serde_json::json!({"size": 2, "color": "red"}));
        assert_eq!(v["metadata"]["managedFields"][0]["manager"], "kubectl");
        assert_eq!(v["metadata"]["managedFields"][0]["operation"], "Apply");

        // another manager changing size conflicts, then forces
        let w3 = k.file("w3.yaml", &widget_yaml("w", "{size: 3}"));
        let w3 = w3.to_str().unwrap();
        let o = k.run(&["apply", "--server-side", "--field-manager=other", "-f", w3]).await;
        assert!(!o.ok, "{}", o.stdout);
        assert!(
            o.stderr.contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.size"),
            "{}",
            o.stderr
        );
        assert_eq!(get("w").await["spec"]["size"], 2);
        k.ok(&["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", w3]).await;
        let v = get("w").await;
        assert_eq!(v["spec"]["size"], 3);
        let managers: Vec<&str> = v["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        // kubectl owned only spec.size: its emptied entry is gone
        assert_eq!(managers, ["other"], "{v}");

        // a server-side dry run of the same configuration changes nothing
        let o = k.run(&["diff", "--server-side", "--field-manager=other", "-f", w3]).await;
        assert!(o.ok, "kubectl diff found changes: {}{}", o.stdout, o.stderr);

        // client-side apply of an unknown field: kubectl asks for Strict
        // validation (400), with --validate=warn it is pruned with a warning
        let u = k.file("u.yaml", &widget_yaml("u", "{size: 1, foo: bar}"));
        let u = u.to_str().unwrap();
        let o = k.run(&["apply", "-f", u]).await;
        assert!(!o.ok, "{}", o.stdout);
        assert!(
            o.stderr.contains("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\""),
            "{}",
            o.stderr
        );
        // server-side apply is strict whatever --validate says
        let o = k
            .run(&["apply", "--server-side", "--validate=false", "-f", u])
            .await;
        assert!(!o.ok, "{}", o.stdout);
        assert!(
            o.stderr.contains("failed to create typed patch object (default/u; demo.example.com/v1, Kind=Widget): .spec.foo: field not declared in schema"),
            "{}",
            o.stderr
        );
        let o = k.run(&["apply", "--validate=warn", "-f", u]).await;
        assert!(o.ok, "{}{}", o.stdout, o.stderr);
        assert!(o.stderr.contains("unknown field \"spec.foo\""), "{}", o.stderr);
        let v = get("u").await;
        assert_eq!(v["spec"], serde_json::json!({"size": 1, "color": "red"}));

        // an invalid object is rejected with Invalid
        let bad = k.file("bad.yaml", &widget_yaml("bad", "{size: 11, color: pink}"));
        let o = k.run(&["apply", "-f", bad.to_str().unwrap()]).await;
        assert!(!o.ok, "{}", o.stdout);
        assert!(
            o.stderr.contains("The Widget \"bad\" is invalid:"),
            "{}",
            o.stderr
        );
        assert!(o.stderr.contains("spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10"), "{}", o.stderr);
        assert!(o.stderr.contains("spec.color: Unsupported value: \"pink\": supported values: \"red\", \"green\", \"blue\""), "{}", o.stderr);
        assert!(!k.run(&["get", "widget", "bad"]).await.ok);
    })
    .await
    .expect("kubectl test timed out");
}
