#!/usr/bin/env python3
"""The official Kubernetes Python client against the embedded server.

Usage: builtins.py KUBECONFIG

Loads the kubeconfig the server wrote (HTTPS with its CA, a bearer token),
creates a Deployment and checks what kube-apiserver 1.33 answers (its
defaults, AlreadyExists on a second create), creates pods in two namespaces
and lists pods for all namespaces. Prints one line per step; any difference
is reported on stderr, every check that differs, with exit 1.

Run by client-testserver/tests/python_client.rs with the requirements of
requirements.txt on PYTHONPATH.
"""

import json
import sys

from kubernetes import client, config
from kubernetes.client.rest import ApiException


FAILURES = []


def expect(what, got, want):
    """Records a failure naming the check unless got() == want; got is a
    function so that a missing parent field is one failure, not a crash."""
    try:
        value = got()
    except (AttributeError, IndexError, KeyError, TypeError) as e:
        FAILURES.append(f"{what}: expected {want!r}, got {type(e).__name__}: {e}")
        return
    if value != want:
        FAILURES.append(f"{what}: expected {want!r}, got {value!r}")


def deployment(name, image):
    """A one-container Deployment selecting app=<name>."""
    labels = {"app": name}
    return client.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=client.V1ObjectMeta(name=name, labels=labels),
        spec=client.V1DeploymentSpec(
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(
                    containers=[
                        client.V1Container(
                            name=name,
                            image=image,
                            ports=[client.V1ContainerPort(container_port=80)],
                        )
                    ]
                ),
            ),
        ),
    )


def pod(name, image):
    """A one-container Pod."""
    return client.V1Pod(
        api_version="v1",
        kind="Pod",
        metadata=client.V1ObjectMeta(name=name, labels={"app": name}),
        spec=client.V1PodSpec(containers=[client.V1Container(name=name, image=image)]),
    )


def check_deployment(apps):
    """Creates default/web and checks the defaults kube-apiserver sets
    (SetDefaults_Deployment, the pod-template defaults, generation 1)."""
    created = apps.create_namespaced_deployment("default", deployment("web", "nginx:1.25"))
    spec = created.spec
    expect("deployment generation", lambda: created.metadata.generation, 1)
    expect("deployment replicas", lambda: spec.replicas, 1)
    expect("deployment strategy", lambda: spec.strategy.type, "RollingUpdate")
    expect("deployment maxSurge", lambda: spec.strategy.rolling_update.max_surge, "25%")
    expect(
        "deployment maxUnavailable",
        lambda: spec.strategy.rolling_update.max_unavailable,
        "25%",
    )
    expect("deployment revisionHistoryLimit", lambda: spec.revision_history_limit, 10)
    expect("deployment progressDeadlineSeconds", lambda: spec.progress_deadline_seconds, 600)
    template = spec.template.spec
    expect("template restartPolicy", lambda: template.restart_policy, "Always")
    expect("template dnsPolicy", lambda: template.dns_policy, "ClusterFirst")
    expect(
        "template imagePullPolicy",
        lambda: template.containers[0].image_pull_policy,
        "IfNotPresent",
    )
    expect(
        "template containerPort protocol",
        lambda: template.containers[0].ports[0].protocol,
        "TCP",
    )

    got = apps.read_namespaced_deployment("web", "default")
    expect("deployment read back (uid)", lambda: got.metadata.uid, created.metadata.uid)
    try:
        apps.create_namespaced_deployment("default", deployment("web", "nginx:1.25"))
        FAILURES.append("second create of default/web succeeded")
    except ApiException as e:
        status = json.loads(e.body)
        expect("second create status", lambda: e.status, 409)
        expect("second create reason", lambda: status["reason"], "AlreadyExists")
        expect(
            "second create message",
            lambda: status["message"],
            'deployments.apps "web" already exists',
        )
    print(
        "deployment default/web: replicas=1 strategy=RollingUpdate "
        "revisionHistoryLimit=10 progressDeadlineSeconds=600"
    )


def check_pods(core):
    """Pods in two namespaces, listed for all namespaces (with and without
    a label selector); each is Pending with the pod defaults."""
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py")))
    core.create_namespaced_pod("default", pod("a", "busybox:1.36"))
    core.create_namespaced_pod("py", pod("b", "busybox:1.36"))
    pods = core.list_pod_for_all_namespaces()
    names = [f"{p.metadata.namespace}/{p.metadata.name}" for p in pods.items]
    expect("pods for all namespaces", lambda: names, ["default/a", "py/b"])
    for p in pods.items:
        expect(f"pod {p.metadata.name} phase", lambda: p.status.phase, "Pending")
        expect(f"pod {p.metadata.name} restartPolicy", lambda: p.spec.restart_policy, "Always")
    expect("pod list resourceVersion", lambda: bool(pods.metadata.resource_version), True)
    selected = core.list_pod_for_all_namespaces(label_selector="app=b")
    expect(
        "pods for all namespaces with app=b",
        lambda: [f"{p.metadata.namespace}/{p.metadata.name}" for p in selected.items],
        ["py/b"],
    )
    print("pods for all namespaces: " + " ".join(names))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    config.load_kube_config(config_file=sys.argv[1])
    check_deployment(client.AppsV1Api())
    check_pods(client.CoreV1Api())
    for failure in FAILURES:
        print(failure, file=sys.stderr)
    if FAILURES:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
