//! v1 Endpoints (`SetDefaults_Endpoints`: ports' protocol TCP, core/v1/defaults.go)
//! and `discovery.k8s.io/v1` EndpointSlices: `printEndpoints` and
//! `printEndpointSlice` (printers.go).

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column};
use crate::registry::kinds::value::{default_str, each_mut, items, str_at};

/// Sets the Endpoints (or, with `slice`, EndpointSlice) strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind, slice: bool) {
    if slice {
        row.printer_columns = vec![
            column("AddressType", "string", 0, "The IP protocol for this slice"),
            column(
                "Ports",
                "string",
                0,
                "The ports of the endpoints in this slice",
            ),
            column("Endpoints", "string", 0, "The endpoints of this slice"),
            age_column(),
        ];
        row.hooks = &SLICE_HOOKS;
    } else {
        row.printer_columns = vec![
            column(
                "Endpoints",
                "string",
                0,
                "The set of all endpoints is the union of all subsets.",
            ),
            age_column(),
        ];
        row.hooks = &ENDPOINTS_HOOKS;
    }
}

/// At most three entries, then `+ N more...`, as `formatEndpoints` prints.
fn first_three(list: &[String]) -> String {
    if list.len() > 3 {
        format!("{} + {} more...", list[..3].join(","), list.len() - 3)
    } else {
        list.join(",")
    }
}

struct EndpointsHooks;

static ENDPOINTS_HOOKS: EndpointsHooks = EndpointsHooks;

impl KindHooks for EndpointsHooks {
    fn default(&self, obj: &mut Value) {
        each_mut(obj, "subsets", |s| {
            each_mut(s, "ports", |p| default_str(p, "protocol", "TCP"))
        });
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let mut all = Vec::new();
        for s in items(obj, "/subsets") {
            let ports = items(s, "/ports");
            for a in items(s, "/addresses") {
                let ip = str_at(a, "/ip");
                if ports.is_empty() {
                    all.push(ip.to_string());
                }
                for p in ports {
                    all.push(format!(
                        "{ip}:{}",
                        p.get("port").and_then(Value::as_i64).unwrap_or(0)
                    ));
                }
            }
        }
        let cell = if all.is_empty() {
            "<none>".to_string()
        } else {
            first_three(&all)
        };
        Some(vec![json!(cell), age(obj)])
    }
}

struct SliceHooks;

static SLICE_HOOKS: SliceHooks = SliceHooks;

impl KindHooks for SliceHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let ports: Vec<String> = items(obj, "/ports")
            .iter()
            .map(|p| {
                p.get("port")
                    .and_then(Value::as_i64)
                    .map_or_else(|| "<unset>".into(), |n| n.to_string())
            })
            .collect();
        let addrs: Vec<String> = items(obj, "/endpoints")
            .iter()
            .flat_map(|e| {
                items(e, "/addresses")
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        let or_unset = |v: &[String]| {
            if v.is_empty() {
                "<unset>".to_string()
            } else {
                first_three(v)
            }
        };
        Some(vec![
            json!(str_at(obj, "/addressType")),
            json!(or_unset(&ports)),
            json!(or_unset(&addrs)),
            age(obj),
        ])
    }
}
