//! `networking.k8s.io/v1` Ingress: generation on spec changes
//! (ingress/strategy.go), the rules and paths of `ValidateIngressSpec`
//! (networking/validation/validation.go), `printIngress` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::{FieldErrors, go_str};
use crate::registry::kinds::printing::{age, age_column, column, str_or};
use crate::registry::kinds::value::{items, name_of, str_at};

/// The path types, sorted as kube lists them.
const PATH_TYPES: [&str; 3] = ["Exact", "ImplementationSpecific", "Prefix"];

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
    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        _old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        let rules = items(obj, "/spec/rules");
        if rules.is_empty()
            && obj
                .pointer("/spec/defaultBackend")
                .is_none_or(Value::is_null)
        {
            errs.invalid(
                "spec",
                "[]networking.IngressRule(nil)".into(),
                "either `defaultBackend` or `rules` must be specified",
            );
        }
        for (i, rule) in rules.iter().enumerate() {
            for (j, p) in items(rule, "/http/paths").iter().enumerate() {
                let at = format!("spec.rules[{i}].http.paths[{j}]");
                let path = str_at(p, "/path");
                match str_at(p, "/pathType") {
                    "" => errs
                        .required_because(format!("{at}.pathType"), "pathType must be specified"),
                    "Exact" | "Prefix" if !path.starts_with('/') => {
                        errs.invalid(
                            format!("{at}.path"),
                            go_str(path),
                            "must be an absolute path",
                        );
                    }
                    t if !PATH_TYPES.contains(&t) => {
                        errs.not_supported(format!("{at}.pathType"), t, &PATH_TYPES)
                    }
                    _ => {}
                }
            }
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

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
