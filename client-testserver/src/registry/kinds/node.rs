//! v1 Node: the `spec.unschedulable` field selector and a status kept on
//! create (node/strategy.go),
//! `printNode` (printers.go).

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column};
use crate::registry::kinds::value::{items, str_at};

/// The label prefix of a node role.
const ROLE_PREFIX: &str = "node-role.kubernetes.io/";

/// Sets the Node strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.field_selectors = vec![("spec.unschedulable".into(), "spec.unschedulable".into())];
    row.printer_columns = vec![
        column("Status", "string", 0, "The status of the node"),
        column("Roles", "string", 0, "The roles of the node"),
        age_column(),
        column(
            "Version",
            "string",
            0,
            "Kubelet Version reported by the node.",
        ),
        column(
            "Internal-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        column(
            "External-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        column(
            "OS-Image",
            "string",
            1,
            "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        ),
        column(
            "Kernel-Version",
            "string",
            1,
            "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        ),
        column(
            "Container-Runtime",
            "string",
            1,
            "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
        ),
    ];
    row.hooks = &NODE_HOOKS;
}

struct NodeHooks;

static NODE_HOOKS: NodeHooks = NodeHooks;

/// The node's first address of `type_`, `<none>` without one.
fn address(obj: &Value, type_: &str) -> Value {
    items(obj, "/status/addresses")
        .iter()
        .find(|a| str_at(a, "/type") == type_)
        .map_or_else(|| json!("<none>"), |a| json!(str_at(a, "/address")))
}

/// A `nodeInfo` field, `<unknown>` when unset.
fn info(obj: &Value, field: &str) -> Value {
    match str_at(obj, &format!("/status/nodeInfo/{field}")) {
        "" => json!("<unknown>"),
        s => json!(s),
    }
}

impl KindHooks for NodeHooks {
    /// `nodeStrategy.PrepareForCreate` keeps the status a kubelet sends.
    fn keeps_status_on_create(&self) -> bool {
        true
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let ready = items(obj, "/status/conditions")
            .iter()
            .find(|c| str_at(c, "/type") == "Ready")
            .map(|c| str_at(c, "/status"));
        let mut status = match ready {
            Some("True") => "Ready".to_string(),
            Some(_) => "NotReady".to_string(),
            None => "Unknown".to_string(),
        };
        if obj.pointer("/spec/unschedulable") == Some(&json!(true)) {
            status.push_str(",SchedulingDisabled");
        }
        let mut roles: Vec<String> = obj
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| {
                if let Some(r) = k.strip_prefix(ROLE_PREFIX) {
                    (!r.is_empty()).then(|| r.to_string())
                } else if k == "kubernetes.io/role" {
                    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
                } else {
                    None
                }
            })
            .collect();
        roles.sort();
        roles.dedup();
        let roles = if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        };
        Some(vec![
            json!(status),
            json!(roles),
            age(obj),
            json!(str_at(obj, "/status/nodeInfo/kubeletVersion")),
            address(obj, "InternalIP"),
            address(obj, "ExternalIP"),
            info(obj, "osImage"),
            info(obj, "kernelVersion"),
            info(obj, "containerRuntimeVersion"),
        ])
    }

    fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        (field == "spec.unschedulable").then(|| {
            obj.pointer("/spec/unschedulable")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .to_string()
        })
    }
}
