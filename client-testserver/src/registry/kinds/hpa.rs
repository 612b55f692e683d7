//! `autoscaling` HorizontalPodAutoscaler (v2 and v1 share one row):
//! `minReplicas` 1 (`SetDefaults_HorizontalPodAutoscaler` of both
//! versions), `printHorizontalPodAutoscaler` (printers.go).

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column, int_cell};
use crate::registry::kinds::value::{child, default, items, str_at};

/// Sets the HorizontalPodAutoscaler strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.printer_columns = vec![
        column(
            "Reference",
            "string",
            0,
            "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.",
        ),
        column(
            "Targets",
            "string",
            0,
            "metrics contains the specifications for which to use to calculate the desired replica count",
        ),
        column(
            "MinPods",
            "string",
            0,
            "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.",
        ),
        column(
            "MaxPods",
            "string",
            0,
            "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.",
        ),
        column(
            "Replicas",
            "string",
            0,
            "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
        ),
        age_column(),
    ];
    row.hooks = &HPA_HOOKS;
}

struct HpaHooks;

static HPA_HOOKS: HpaHooks = HpaHooks;

/// The TARGETS cell: each resource metric as `name: current/target`.
fn targets(obj: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(pct) = obj
        .pointer("/spec/targetCPUUtilizationPercentage")
        .and_then(Value::as_i64)
    {
        let cur = obj
            .pointer("/status/currentCPUUtilizationPercentage")
            .and_then(Value::as_i64)
            .map_or_else(|| "<unknown>".to_string(), |c| format!("{c}%"));
        parts.push(format!("cpu: {cur}/{pct}%"));
    }
    for m in items(obj, "/spec/metrics") {
        let name = str_at(m, "/resource/name");
        let target = match (
            m.pointer("/resource/target/averageUtilization")
                .and_then(Value::as_i64),
            str_at(m, "/resource/target/averageValue"),
        ) {
            (Some(u), _) => format!("{u}%"),
            (None, v) if !v.is_empty() => v.to_string(),
            _ => "<unknown>".to_string(),
        };
        if str_at(m, "/type") == "Resource" {
            parts.push(format!("{name}: <unknown>/{target}"));
        } else {
            parts.push(format!("<unknown>/{target}"));
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(", ")
    }
}

impl KindHooks for HpaHooks {
    fn default(&self, obj: &mut Value) {
        if let Some(spec) = child(obj, "spec") {
            default(spec, "minReplicas", json!(1));
        }
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let reference = format!(
            "{}/{}",
            str_at(obj, "/spec/scaleTargetRef/kind"),
            str_at(obj, "/spec/scaleTargetRef/name")
        );
        let min = obj
            .pointer("/spec/minReplicas")
            .and_then(Value::as_i64)
            .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
        Some(vec![
            json!(reference),
            json!(targets(obj)),
            json!(min),
            json!(int_cell(obj, "/spec/maxReplicas").to_string()),
            json!(int_cell(obj, "/status/currentReplicas").to_string()),
            age(obj),
        ])
    }
}
