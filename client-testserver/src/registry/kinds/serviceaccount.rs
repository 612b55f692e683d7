//! v1 ServiceAccount: no defaults in core/v1/defaults.go; `printServiceAccount`
//! (printers.go) counts its secrets.

use serde_json::Value;

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age, age_column, column, items_len};

/// Sets the ServiceAccount strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.printer_columns = vec![
        column(
            "Secrets",
            "string",
            0,
            "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
        ),
        age_column(),
    ];
    row.hooks = &SERVICE_ACCOUNT_HOOKS;
}

struct ServiceAccountHooks;

static SERVICE_ACCOUNT_HOOKS: ServiceAccountHooks = ServiceAccountHooks;

impl KindHooks for ServiceAccountHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(vec![items_len(obj, "/secrets"), age(obj)])
    }
}
