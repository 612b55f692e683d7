//! v1 Service: `SetDefaults_Service` (core/v1/defaults.go); the cluster
//! IP, IP families and node ports allocated on create and kept on update
//! (service/storage/alloc.go, `patchAllocatedValues`); the common cases of
//! `ValidateService`/`ValidateServiceUpdate` (core/validation/validation.go);
//! `printService` (printers.go). Names are DNS-1035 labels.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::{NameRule, ResourceKind};
use crate::registry::kinds::field_errors::{FieldErrors, go_str, go_string_slice};
use crate::registry::kinds::printing::{age, age_column, column, labels_cell};
use crate::registry::kinds::service_alloc::{NODE_PORTS, SERVICE_CIDR, Taken, in_range};
use crate::registry::kinds::value::{
    child, default, default_str, each_mut, items, name_of, str_at,
};

/// `validServiceTypes`, sorted as `sets.List` prints them.
const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
/// Service port protocols.
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

/// Sets the Service strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.name_rule = NameRule::Dns1035Label;
    row.field_selectors = vec![
        ("spec.clusterIP".into(), "spec.clusterIP".into()),
        ("spec.type".into(), "spec.type".into()),
    ];
    row.printer_columns = vec![
        column(
            "Type",
            "string",
            0,
            "type determines how the Service is exposed.",
        ),
        column(
            "Cluster-IP",
            "string",
            0,
            "clusterIP is the IP address of the service and is usually assigned randomly.",
        ),
        column(
            "External-IP",
            "string",
            0,
            "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
        ),
        column(
            "Port(s)",
            "string",
            0,
            "The list of ports that are exposed by this service.",
        ),
        age_column(),
        column(
            "Selector",
            "string",
            1,
            "Route service traffic to pods with label keys and values matching this selector.",
        ),
    ];
    row.hooks = &SERVICE_HOOKS;
}

struct ServiceHooks;

static SERVICE_HOOKS: ServiceHooks = ServiceHooks;

/// Whether the type gets node ports.
fn wants_node_ports(spec: &Value) -> bool {
    matches!(str_at(spec, "/type"), "NodePort" | "LoadBalancer")
}

/// A port's protocol, `TCP` when unset (not yet defaulted).
fn protocol(port: &Value) -> &str {
    match str_at(port, "/protocol") {
        "" => "TCP",
        p => p,
    }
}

/// Whether the Service is headless (`clusterIP: None`).
fn headless(spec: &Value) -> bool {
    str_at(spec, "/clusterIP") == "None"
}

impl KindHooks for ServiceHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default_str(spec, "sessionAffinity", "None");
        if spec["sessionAffinity"] == "None"
            && let Value::Object(m) = spec
        {
            m.remove("sessionAffinityConfig");
        }
        if spec["sessionAffinity"] == "ClientIP"
            && spec
                .pointer("/sessionAffinityConfig/clientIP/timeoutSeconds")
                .is_none()
        {
            spec["sessionAffinityConfig"] = json!({"clientIP": {"timeoutSeconds": 10800}});
        }
        default_str(spec, "type", "ClusterIP");
        each_mut(spec, "ports", |p| {
            default_str(p, "protocol", "TCP");
            let unset = match p.get("targetPort") {
                None | Some(Value::Null) => true,
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s.is_empty(),
                Some(_) => false,
            };
            if unset && let Some(port) = p.get("port").cloned() {
                p["targetPort"] = port;
            }
        });
        let ty = str_at(spec, "/type").to_string();
        let external = wants_node_ports(spec) || !items(spec, "/externalIPs").is_empty();
        if external {
            default_str(spec, "externalTrafficPolicy", "Cluster");
        }
        if matches!(ty.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
            default(spec, "internalTrafficPolicy", json!("Cluster"));
        }
        if ty == "LoadBalancer" {
            default(spec, "allocateLoadBalancerNodePorts", json!(true));
        }
    }

    /// `patchAllocatedValues` and `normalizeClusterIPs`: an update that
    /// leaves out the allocated IPs, families or node ports keeps them; a
    /// changed `clusterIP` alone moves `clusterIPs[0]`.
    fn prepare_for_update(&self, old: &Value, new: &mut Value) {
        let (Some(o), Some(n)) = (old.get("spec"), new.get_mut("spec")) else {
            return;
        };
        if str_at(o, "/type") == "ExternalName" || str_at(n, "/type") == "ExternalName" {
            return;
        }
        let new_ip = str_at(n, "/clusterIP").to_string();
        let same_ips = n.get("clusterIPs") == o.get("clusterIPs");
        if new_ip.is_empty() {
            for k in ["clusterIP", "clusterIPs"] {
                if let Some(v) = o.get(k) {
                    default(n, k, v.clone());
                }
            }
        } else if same_ips && new_ip != str_at(o, "/clusterIP") {
            n["clusterIPs"] = json!([new_ip]);
        }
        if n.get("clusterIPs").is_none() && !new_ip.is_empty() {
            n["clusterIPs"] = json!([new_ip]);
        }
        for k in ["ipFamilies", "ipFamilyPolicy"] {
            if let Some(v) = o.get(k) {
                default(n, k, v.clone());
            }
        }
        if wants_node_ports(n) {
            let olds = items(o, "/ports").to_vec();
            each_mut(n, "ports", |p| {
                if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) == 0
                    && let Some(op) = olds
                        .iter()
                        .find(|op| op.get("port") == p.get("port") && protocol(op) == protocol(p))
                    && let Some(np) = op.get("nodePort")
                {
                    p["nodePort"] = np.clone();
                }
            });
        }
    }

    fn validate_and_define(
        &self,
        backend: &Backend,
        kind: &ResourceKind,
        old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        let spec = obj.get("spec").cloned().unwrap_or_else(|| json!({}));
        validate_spec(&spec, &mut errs);
        match old {
            Some(old) => {
                validate_ip_change(old.get("spec").unwrap_or(&Value::Null), &spec, &mut errs)
            }
            None => {
                if errs.is_empty() {
                    // Only a valid Service is allocated for; a user-given IP
                    // must be free and in range.
                    let mut taken = Taken::of(backend);
                    allocate(&spec, &mut taken, &mut errs);
                    if errs.is_empty() {
                        assign(obj, &mut taken);
                    }
                }
            }
        }
        if old.is_some() && errs.is_empty() {
            // A type changed to NodePort or LoadBalancer on update: node
            // ports drawn without a scan (the store is locked here).
            assign_node_ports(obj, &mut Taken::default());
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let spec = obj.get("spec").cloned().unwrap_or_else(|| json!({}));
        let cluster_ip = items(&spec, "/clusterIPs")
            .first()
            .and_then(Value::as_str)
            .unwrap_or("<none>")
            .to_string();
        let ports: Vec<String> = items(&spec, "/ports")
            .iter()
            .map(|p| {
                let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                let proto = str_at(p, "/protocol");
                match p.get("nodePort").and_then(Value::as_i64).filter(|n| *n > 0) {
                    Some(np) => format!("{port}:{np}/{proto}"),
                    None => format!("{port}/{proto}"),
                }
            })
            .collect();
        let ports = if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports.join(",")
        };
        Some(vec![
            json!(str_at(&spec, "/type")),
            json!(cluster_ip),
            json!(external_ip(obj)),
            json!(ports),
            age(obj),
            labels_cell(obj, "/spec/selector"),
        ])
    }
}

/// `getServiceExternalIP`.
fn external_ip(obj: &Value) -> String {
    let external: Vec<&str> = items(obj, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let lb: Vec<&str> = items(obj, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| match str_at(i, "/ip") {
            "" => str_at(i, "/hostname"),
            ip => ip,
        })
        .filter(|s| !s.is_empty())
        .collect();
    match str_at(obj, "/spec/type") {
        "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "ClusterIP" | "NodePort" => "<none>".into(),
        "LoadBalancer" => {
            let all: Vec<&str> = lb.iter().chain(external.iter()).copied().collect();
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => str_at(obj, "/spec/externalName").into(),
        _ => "<unknown>".into(),
    }
}

/// The common cases of `ValidateService`: type, ports (range, protocol,
/// names required when several and unique, no duplicate port/protocol),
/// node ports only where the type allows them, session affinity, an
/// ExternalName's name.
fn validate_spec(spec: &Value, errs: &mut FieldErrors) {
    let ty = str_at(spec, "/type");
    if !TYPES.contains(&ty) {
        errs.not_supported("spec.type", ty, &TYPES);
    }
    let affinity = str_at(spec, "/sessionAffinity");
    if !["ClientIP", "None"].contains(&affinity) {
        errs.not_supported("spec.sessionAffinity", affinity, &["ClientIP", "None"]);
    }
    let ports = items(spec, "/ports");
    if ty == "ExternalName" {
        if str_at(spec, "/externalName").is_empty() {
            errs.required("spec.externalName");
        }
    } else if ports.is_empty() && !headless(spec) {
        errs.required("spec.ports");
    }
    let mut names: Vec<&str> = Vec::new();
    let mut keys: Vec<(i64, &str)> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let at = format!("spec.ports[{i}]");
        let name = str_at(p, "/name");
        if ports.len() > 1 && name.is_empty() {
            errs.required(format!("{at}.name"));
        } else if !name.is_empty() {
            for msg in client_names::dns1123_label_errors(name) {
                errs.invalid(format!("{at}.name"), go_str(name), &msg);
            }
            if names.contains(&name) {
                errs.duplicate(format!("{at}.name"), go_str(name));
            }
            names.push(name);
        }
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.invalid(
                format!("{at}.port"),
                port.to_string(),
                "must be between 1 and 65535, inclusive",
            );
        }
        let proto = str_at(p, "/protocol");
        if !PROTOCOLS.contains(&proto) {
            errs.not_supported(format!("{at}.protocol"), proto, &PROTOCOLS);
        }
        if let Some(tp) = p.get("targetPort").and_then(Value::as_i64)
            && !(1..=65535).contains(&tp)
        {
            errs.invalid(
                format!("{at}.targetPort"),
                tp.to_string(),
                "must be between 1 and 65535, inclusive",
            );
        }
        let node_port = p.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
        if node_port != 0 && !wants_node_ports(spec) {
            errs.forbidden(
                format!("{at}.nodePort"),
                &format!("may not be used when `type` is '{ty}'"),
            );
        } else if node_port != 0 && !NODE_PORTS.contains(&node_port) {
            errs.invalid(
                format!("{at}.nodePort"),
                node_port.to_string(),
                "provided port is not in the valid range. The range of valid ports is 30000-32767",
            );
        }
        if keys.contains(&(port, proto)) {
            errs.duplicate(
                at,
                format!(
                    "core.ServicePort{{Name:{}, Protocol:{}, Port:{port}}}",
                    go_str(name),
                    go_str(proto)
                ),
            );
        }
        keys.push((port, proto));
    }
}

/// `validateUpgradeDowngradeClusterIPs`: a set cluster IP never changes.
fn validate_ip_change(old: &Value, new: &Value, errs: &mut FieldErrors) {
    if str_at(old, "/type") == "ExternalName" || str_at(new, "/type") == "ExternalName" {
        return;
    }
    let (o, n) = (items(old, "/clusterIPs"), items(new, "/clusterIPs"));
    if o.is_empty() {
        return;
    }
    let changed = o.len() == n.len() && o.iter().zip(n).any(|(a, b)| a != b) || n.is_empty();
    if changed {
        errs.invalid(
            "spec.clusterIPs[0]",
            go_string_slice(new.get("clusterIPs")),
            "may not change once set",
        );
    }
}

/// Checks the IPs and node ports a create asks for against those taken.
fn allocate(spec: &Value, taken: &mut Taken, errs: &mut FieldErrors) {
    let ip = str_at(spec, "/clusterIP");
    if !ip.is_empty() && ip != "None" && str_at(spec, "/type") != "ExternalName" {
        let problem = if !in_range(ip) {
            Some(format!(
                "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
            ))
        } else if taken.ips.contains(ip) {
            Some("provided IP is already allocated".to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            errs.invalid(
                "spec.clusterIPs",
                go_string_slice(Some(&json!([ip]))),
                &format!("failed to allocate IP {ip}: {p}"),
            );
        } else {
            taken.ips.insert(ip.to_string());
        }
    }
    for (i, p) in items(spec, "/ports").iter().enumerate() {
        if let Some(np) = p
            .get("nodePort")
            .and_then(Value::as_i64)
            .filter(|n| *n != 0)
            && !taken.ports.insert(np)
        {
            errs.invalid(
                format!("spec.ports[{i}].nodePort"),
                np.to_string(),
                "provided port is already allocated",
            );
        }
    }
}

/// Fills in what a create allocates: cluster IP(s), IP families and policy,
/// node ports.
fn assign(obj: &mut Value, taken: &mut Taken) {
    let Some(spec) = child(obj, "spec") else {
        return;
    };
    if str_at(spec, "/type") == "ExternalName" {
        return;
    }
    let has_selector = spec
        .get("selector")
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    if headless(spec) {
        spec["clusterIPs"] = json!(["None"]);
        let policy = if has_selector {
            "SingleStack"
        } else {
            "RequireDualStack"
        };
        default(spec, "ipFamilyPolicy", json!(policy));
    } else {
        if str_at(spec, "/clusterIP").is_empty()
            && let Some(ip) = taken.next_ip()
        {
            spec["clusterIP"] = json!(ip);
        }
        let ip = spec["clusterIP"].clone();
        spec["clusterIPs"] = json!([ip]);
        default(spec, "ipFamilyPolicy", json!("SingleStack"));
    }
    default(spec, "ipFamilies", json!(["IPv4"]));
    assign_node_ports(obj, taken);
}

/// Node ports for the ports of a NodePort or LoadBalancer Service that
/// have none.
fn assign_node_ports(obj: &mut Value, taken: &mut Taken) {
    let Some(spec) = obj.get_mut("spec") else {
        return;
    };
    if !wants_node_ports(spec) {
        return;
    }
    each_mut(spec, "ports", |p| {
        if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) == 0
            && let Some(np) = taken.next_port()
        {
            p["nodePort"] = json!(np);
        }
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn updates_keep_what_was_allocated() {
        let old = json!({"spec": {"type": "NodePort", "clusterIP": "10.96.0.9", "clusterIPs": ["10.96.0.9"],
                                  "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30001}]}});
        let mut new = json!({"spec": {"type": "NodePort", "ports": [{"port": 80}]}});
        ServiceHooks.prepare_for_update(&old, &mut new);
        assert_eq!(new["spec"]["ports"][0]["nodePort"], 30001);
        assert_eq!(new["spec"]["clusterIPs"], json!(["10.96.0.9"]));
        let mut moved = json!({"spec": {"type": "NodePort", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.9"], "ports": []}});
        ServiceHooks.prepare_for_update(&old, &mut moved);
        assert_eq!(moved["spec"]["clusterIPs"], json!(["10.96.0.10"]));
    }
}
