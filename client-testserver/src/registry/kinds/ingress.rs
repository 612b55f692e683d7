//! `networking.k8s.io/v1` Ingress: generation on spec changes
//! (ingress/strategy.go), `printIngress` (printers.go).

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column, str_or};
use crate::registry::kinds::value::{items, str_at};

/// Sets the Ingress strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column(
            "Class",
            "string",
            0,
            "The name of the IngressClass resource that should be used for additional configuration",
        ),
        column(
            "Hosts",
            "string",
            0,
            "Hosts that incoming requests are matched against before the ingress rule",
        ),
        column(
            "Address",
            "string",
            0,
            "Address is a list containing ingress points for the load-balancer",
        ),
        column(
            "Ports",
            "string",
            0,
            "Ports of TLS configurations that open",
        ),
        age_column(),
    ];
    row.hooks = &INGRESS_HOOKS;
}

struct IngressHooks;

static INGRESS_HOOKS: IngressHooks = IngressHooks;

impl KindHooks for IngressHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let hosts: Vec<&str> = items(obj, "/spec/rules")
            .iter()
            .map(|r| str_at(r, "/host"))
            .filter(|h| !h.is_empty())
            .collect();
        let hosts = match hosts.len() {
            0 => "*".to_string(),
            n if n > 3 => format!("{} + {} more...", hosts[..3].join(","), n - 3),
            _ => hosts.join(","),
        };
        let address: Vec<&str> = items(obj, "/status/loadBalancer/ingress")
            .iter()
            .map(|i| match str_at(i, "/ip") {
                "" => str_at(i, "/hostname"),
                ip => ip,
            })
            .filter(|s| !s.is_empty())
            .collect();
        let ports = if items(obj, "/spec/tls").is_empty() {
            "80"
        } else {
            "80, 443"
        };
        Some(vec![
            str_or(obj, "/spec/ingressClassName", "<none>"),
            json!(hosts),
            json!(address.join(",")),
            json!(ports),
            age(obj),
        ])
    }
}
