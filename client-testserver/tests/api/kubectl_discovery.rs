//! kubectl 1.32 (one minor version behind the server's 1.33, a supported
//! skew) reads the server's discovery and authorization answers.

use std::time::Duration;

use crate::kubectl::Kubectl;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_api_resources_and_auth_can_i() {
    tokio::time::timeout(Duration::from_secs(120), async {
        let s = client_testserver::TestServer::start().await.unwrap();
        let k = Kubectl::new(&s);
        // kubectl asks for aggregated discovery first and gets it: one
        // request each for /api and /apis, no per-group-version lists.
        let o = k.run(&["-v=8", "api-resources"]).await;
        assert!(o.ok, "{}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.contains("as=APIGroupDiscoveryList"),
            "kubectl asked for aggregated discovery"
        );
        assert!(
            !o.stderr.contains("GET https://") || !o.stderr.contains("/apis/apps/v1 "),
            "no legacy per-group-version request"
        );
        let lines: Vec<&str> = o.stdout.lines().collect();
        let row = |name: &str| -> Vec<String> {
            lines
                .iter()
                .find(|l| l.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("{name} missing:\n{}", o.stdout))
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(row("pods"), ["pods", "po", "v1", "true", "Pod"]);
        assert_eq!(
            row("deployments"),
            ["deployments", "deploy", "apps/v1", "true", "Deployment"]
        );
        assert_eq!(
            row("horizontalpodautoscalers"),
            [
                "horizontalpodautoscalers",
                "hpa",
                "autoscaling/v2",
                "true",
                "HorizontalPodAutoscaler"
            ]
        );
        assert_eq!(
            row("selfsubjectaccessreviews"),
            [
                "selfsubjectaccessreviews",
                "authorization.k8s.io/v1",
                "false",
                "SelfSubjectAccessReview"
            ]
        );
        // Every served resource is listed once, at its preferred version:
        // the 61 GA entries of the data are 60 group-resources (HPA has v2
        // and v1), plus a header.
        assert_eq!(lines.len(), 1 + 60, "{}", o.stdout);
        // The `all` category and verbs.
        let all = k
            .ok(&["api-resources", "--categories=all", "-o", "name"])
            .await;
        let mut all: Vec<&str> = all.lines().collect();
        all.sort_unstable();
        assert_eq!(
            all,
            [
                "cronjobs.batch",
                "daemonsets.apps",
                "deployments.apps",
                "horizontalpodautoscalers.autoscaling",
                "jobs.batch",
                "pods",
                "replicasets.apps",
                "replicationcontrollers",
                "services",
                "statefulsets.apps"
            ]
        );
        let create_only = k
            .ok(&[
                "api-resources",
                "--verbs=create",
                "--namespaced=false",
                "-o",
                "name",
            ])
            .await;
        assert!(
            create_only
                .lines()
                .any(|l| l == "tokenreviews.authentication.k8s.io")
        );
        // kubectl auth can-i: a SelfSubjectAccessReview, allowed.
        assert_eq!(
            k.ok(&["auth", "can-i", "create", "deployments"])
                .await
                .trim(),
            "yes"
        );
        assert_eq!(
            k.ok(&["auth", "can-i", "delete", "pods", "-n", "kube-system"])
                .await
                .trim(),
            "yes"
        );
        // --list: a SelfSubjectRulesReview with `*` rules.
        let list = k.ok(&["auth", "can-i", "--list"]).await;
        let star = list
            .lines()
            .find(|l| l.starts_with("*.*"))
            .unwrap_or_else(|| panic!("no *.* rule:\n{list}"));
        assert!(star.contains("[*]"), "{list}");
        assert!(
            list.lines().any(|l| l.trim_start().starts_with("[*]")),
            "a non-resource rule: {list}"
        );
        assert!(
            k.ok(&[
                "auth",
                "whoami",
                "-o",
                "jsonpath={.status.userInfo.username}"
            ])
            .await
                == "client-testserver"
        );
    })
    .await
    .expect("kubectl discovery test timed out");
}
