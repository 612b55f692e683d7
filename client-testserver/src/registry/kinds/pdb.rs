//! `policy/v1` PodDisruptionBudget: generation on spec changes
//! (poddisruptionbudget/strategy.go), `printPodDisruptionBudget` (printers.go).

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column, int_cell};

/// Sets the PodDisruptionBudget strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column(
            "Min Available",
            "string",
            0,
            "The minimum number of pods that must be available.",
        ),
        column(
            "Max Unavailable",
            "string",
            0,
            "The maximum number of pods that may be unavailable.",
        ),
        column(
            "Allowed Disruptions",
            "integer",
            0,
            "Calculated number of pods that may be disrupted at this time.",
        ),
        age_column(),
    ];
    row.hooks = &PDB_HOOKS;
}

struct PdbHooks;

static PDB_HOOKS: PdbHooks = PdbHooks;

/// An IntOrString cell, `N/A` when unset.
fn int_or_string(obj: &Value, p: &str) -> Value {
    match obj.pointer(p) {
        Some(Value::String(s)) => json!(s),
        Some(Value::Number(n)) => json!(n.to_string()),
        _ => json!("N/A"),
    }
}

impl KindHooks for PdbHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(vec![
            int_or_string(obj, "/spec/minAvailable"),
            int_or_string(obj, "/spec/maxUnavailable"),
            int_cell(obj, "/status/disruptionsAllowed"),
            age(obj),
        ])
    }
}
