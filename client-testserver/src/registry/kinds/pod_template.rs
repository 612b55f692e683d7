//! What every kind with a pod inside shares (Pods and the templates of
//! Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and
//! ReplicationControllers): the `PodSpec` defaults of
//! `pkg/apis/core/v1/defaults.go` (with the declarative ones of the
//! generated defaulters) and the common cases of `ValidatePodSpec` in
//! `pkg/apis/core/validation/validation.go`.

use serde_json::{Value, json};

use crate::registry::kinds::field_errors::{FieldErrors, go_str};
use crate::registry::kinds::value::{child, default, default_str, each_mut, items, str_at};

/// `SetDefaults_PodSpec` and the defaults of what a PodSpec holds
/// (containers, their ports and probes, volumes).
pub(crate) fn default_pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    default(spec, "securityContext", json!({}));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default_str(spec, "schedulerName", "default-scheduler");
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        each_mut(spec, list, default_container);
    }
    each_mut(spec, "volumes", default_volume);
}

/// `SetDefaults_PodTemplateSpec` reaches the PodSpec at `template.spec`.
pub(crate) fn default_template(template: Option<&mut Value>) {
    if let Some(t) = template.filter(|t| t.is_object())
        && let Some(spec) = child(t, "spec")
    {
        default_pod_spec(spec);
    }
}

/// `SetDefaults_Container`, its ports' protocol, probes and env field refs.
fn default_container(c: &mut Value) {
    if !c.is_object() {
        return;
    }
    let policy = pull_policy(str_at(c, "/image"));
    default_str(c, "imagePullPolicy", policy);
    default_str(c, "terminationMessagePath", "/dev/termination-log");
    default_str(c, "terminationMessagePolicy", "File");
    each_mut(c, "ports", |p| default_str(p, "protocol", "TCP"));
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).filter(|p| p.is_object()) {
            default_probe(p);
        }
    }
    each_mut(c, "env", |e| {
        if let Some(f) = e.pointer_mut("/valueFrom/fieldRef") {
            default_str(f, "apiVersion", "v1");
        }
    });
}

/// `SetDefaults_Probe` and `SetDefaults_HTTPGetAction`.
fn default_probe(p: &mut Value) {
    for (k, v) in [
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ] {
        if p.get(k).and_then(Value::as_i64).unwrap_or(0) == 0 {
            p[k] = json!(v);
        }
    }
    if let Some(h) = p.get_mut("httpGet").filter(|h| h.is_object()) {
        default_str(h, "path", "/");
        default_str(h, "scheme", "HTTP");
    }
}

/// The volume sources with a `defaultMode` of 0644.
const MODE_SOURCES: [&str; 4] = ["secret", "configMap", "downwardAPI", "projected"];

/// `SetDefaults_Volume` (no source is an `emptyDir`) and the sources'
/// defaults (`defaultMode` 420, a hostPath's `type` `""`, a projected
/// token's `expirationSeconds` 3600).
fn default_volume(v: &mut Value) {
    let Value::Object(m) = v else { return };
    let has_source = m.keys().any(|k| k != "name");
    if !has_source {
        m.insert("emptyDir".into(), json!({}));
    }
    for s in MODE_SOURCES {
        if let Some(src) = m.get_mut(s).filter(|x| x.is_object()) {
            default(src, "defaultMode", json!(420));
        }
    }
    if let Some(h) = m.get_mut("hostPath").filter(|x| x.is_object()) {
        default(h, "type", json!(""));
    }
    if let Some(p) = m.get_mut("projected") {
        each_mut(p, "sources", |s| {
            if let Some(t) = s.get_mut("serviceAccountToken").filter(|x| x.is_object()) {
                default(t, "expirationSeconds", json!(3600));
            }
        });
    }
}

/// `imagePullPolicy` by tag: `Always` for `:latest` or no tag (and no
/// digest), else `IfNotPresent` (`parsers.ParseImageName`).
pub(crate) fn pull_policy(image: &str) -> &'static str {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
        None if digest || image.is_empty() => "IfNotPresent",
        None => "Always",
    }
}

/// The restart policies a PodSpec accepts (`validateRestartPolicy`).
const RESTART_POLICIES: [&str; 3] = ["Always", "OnFailure", "Never"];
/// `validateDNSPolicy`.
const DNS_POLICIES: [&str; 4] = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
/// `validatePullPolicy`.
const PULL_POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];
/// `validateContainerPorts`' protocols.
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

/// The common cases of `ValidatePodSpec` on the (defaulted) spec at
/// `path`: containers present, each with a DNS-label name, unique among
/// the pod's containers, an image, valid ports, pull and termination
/// message policies; the restart and DNS policies.
pub(crate) fn validate_pod_spec(spec: &Value, path: &str, errs: &mut FieldErrors) {
    let containers = items(spec, "/containers");
    if containers.is_empty() {
        errs.required(format!("{path}.containers"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (list, cs) in [
        ("initContainers", items(spec, "/initContainers")),
        ("containers", containers),
    ] {
        for (i, c) in cs.iter().enumerate() {
            let at = format!("{path}.{list}[{i}]");
            validate_container(c, &at, &mut seen, errs);
        }
    }
    match str_at(spec, "/restartPolicy") {
        "" => errs.required(format!("{path}.restartPolicy")),
        p if !RESTART_POLICIES.contains(&p) => {
            errs.not_supported(format!("{path}.restartPolicy"), p, &RESTART_POLICIES);
        }
        _ => {}
    }
    match str_at(spec, "/dnsPolicy") {
        "" => errs.required(format!("{path}.dnsPolicy")),
        p if !DNS_POLICIES.contains(&p) => {
            errs.not_supported(format!("{path}.dnsPolicy"), p, &DNS_POLICIES);
        }
        _ => {}
    }
}

/// One container of `validateContainers`.
fn validate_container<'a>(c: &'a Value, at: &str, seen: &mut Vec<&'a str>, errs: &mut FieldErrors) {
    let name = str_at(c, "/name");
    if name.is_empty() {
        errs.required(format!("{at}.name"));
    } else {
        for msg in client_names::dns1123_label_errors(name) {
            errs.invalid(format!("{at}.name"), go_str(name), &msg);
        }
        if seen.contains(&name) {
            errs.duplicate(format!("{at}.name"), go_str(name));
        }
        seen.push(name);
    }
    if str_at(c, "/image").is_empty() {
        errs.required(format!("{at}.image"));
    }
    for (j, p) in items(c, "/ports").iter().enumerate() {
        let pp = format!("{at}.ports[{j}]");
        match p.get("containerPort").and_then(Value::as_i64) {
            None | Some(0) => errs.required(format!("{pp}.containerPort")),
            Some(n) if !(1..=65535).contains(&n) => errs.invalid(
                format!("{pp}.containerPort"),
                n.to_string(),
                "must be between 1 and 65535, inclusive",
            ),
            Some(_) => {}
        }
        let proto = str_at(p, "/protocol");
        if !proto.is_empty() && !PROTOCOLS.contains(&proto) {
            errs.not_supported(format!("{pp}.protocol"), proto, &PROTOCOLS);
        }
    }
    let pull = str_at(c, "/imagePullPolicy");
    if !pull.is_empty() && !PULL_POLICIES.contains(&pull) {
        errs.not_supported(format!("{at}.imagePullPolicy"), pull, &PULL_POLICIES);
    }
    let tmp = str_at(c, "/terminationMessagePolicy");
    if !tmp.is_empty() && !["File", "FallbackToLogsOnError"].contains(&tmp) {
        errs.not_supported(
            format!("{at}.terminationMessagePolicy"),
            tmp,
            &["File", "FallbackToLogsOnError"],
        );
    }
}

/// `ValidatePodTemplateSpec` at `path` (`spec.template`): the template's
/// labels and its PodSpec.
pub(crate) fn validate_template(obj: &Value, pointer: &str, path: &str, errs: &mut FieldErrors) {
    match obj.pointer(pointer) {
        Some(t) if t.is_object() => {
            let spec = t.get("spec").cloned().unwrap_or_else(|| json!({}));
            validate_pod_spec(&spec, &format!("{path}.spec"), errs);
        }
        _ => errs.required(path.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_by_tag() {
        for (image, want) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.27", "IfNotPresent"),
            ("registry:5000/app", "Always"),
            ("registry:5000/app:v1", "IfNotPresent"),
            ("app@sha256:abc", "IfNotPresent"),
            ("app:latest@sha256:abc", "Always"),
        ] {
            assert_eq!(pull_policy(image), want, "{image}");
        }
    }

    #[test]
    fn pod_spec_defaults() {
        let mut spec = json!({
            "containers": [{"name": "c", "image": "nginx:1", "ports": [{"containerPort": 80}],
                            "readinessProbe": {"httpGet": {"port": 80}}}],
            "volumes": [{"name": "v"}, {"name": "s", "secret": {"secretName": "x"}}]
        });
        default_pod_spec(&mut spec);
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["schedulerName"], "default-scheduler");
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["securityContext"], json!({}));
        let c = &spec["containers"][0];
        assert_eq!(c["imagePullPolicy"], "IfNotPresent");
        assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c["terminationMessagePolicy"], "File");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(c["readinessProbe"]["periodSeconds"], 10);
        assert_eq!(c["readinessProbe"]["httpGet"]["scheme"], "HTTP");
        assert_eq!(spec["volumes"][0]["emptyDir"], json!({}));
        assert_eq!(spec["volumes"][1]["secret"]["defaultMode"], 420);
    }

    #[test]
    fn pod_spec_validation() {
        let spec = json!({"containers": [{"name": "a"}, {"name": "a", "image": "x", "ports": [{"containerPort": 70000}]}],
                          "restartPolicy": "Sometimes", "dnsPolicy": "ClusterFirst"});
        let mut errs = FieldErrors::default();
        validate_pod_spec(&spec, "spec", &mut errs);
        let kind = crate::registry::kind::ResourceKind::builtin("", "v1", "pods", "Pod", true);
        let e = errs.into_result(&kind, "p").unwrap_err();
        assert!(
            e.message
                .contains("spec.containers[0].image: Required value"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("spec.containers[1].name: Duplicate value: \"a\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"), "{}", e.message);
        assert!(e.message.contains("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""), "{}", e.message);
    }
}
