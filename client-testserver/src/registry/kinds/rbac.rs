//! `rbac.authorization.k8s.io/v1` Roles, ClusterRoles and their bindings:
//! names are path segments (`ValidateRBACName`), `printRole`,
//! `printRoleBinding` and their cluster twins (printers.go). Stored, not
//! enforced.

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::{NameRule, ResourceKind};
use crate::registry::kinds::printing::{age, age_column, column};
use crate::registry::kinds::value::{items, str_at};

/// Sets the strategy of a role kind (`binding` for the bindings).
pub(crate) fn customize(row: &mut ResourceKind, binding: bool) {
    row.name_rule = NameRule::PathSegment;
    if binding {
        row.printer_columns = vec![
            column(
                "Role",
                "string",
                0,
                "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.",
            ),
            age_column(),
            column("Users", "string", 1, "Users in the roleBinding"),
            column("Groups", "string", 1, "Groups in the roleBinding"),
            column(
                "ServiceAccounts",
                "string",
                1,
                "ServiceAccounts in the roleBinding",
            ),
        ];
        row.hooks = &BINDING_HOOKS;
    } else {
        row.printer_columns = vec![column(
            "Created At",
            "date",
            0,
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
        )];
        row.hooks = &ROLE_HOOKS;
    }
}

struct RoleHooks;

static ROLE_HOOKS: RoleHooks = RoleHooks;

impl KindHooks for RoleHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(vec![json!(str_at(obj, "/metadata/creationTimestamp"))])
    }
}

struct BindingHooks;

static BINDING_HOOKS: BindingHooks = BindingHooks;

impl KindHooks for BindingHooks {
    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let of = |kind: &str| -> Vec<String> {
            items(obj, "/subjects")
                .iter()
                .filter(|s| str_at(s, "/kind") == kind)
                .map(|s| match (kind, str_at(s, "/namespace")) {
                    ("ServiceAccount", ns) => format!("{ns}:{}", str_at(s, "/name")),
                    _ => str_at(s, "/name").to_string(),
                })
                .collect()
        };
        Some(vec![
            json!(format!(
                "{}/{}",
                str_at(obj, "/roleRef/kind"),
                str_at(obj, "/roleRef/name")
            )),
            age(obj),
            json!(of("User").join(", ")),
            json!(of("Group").join(", ")),
            json!(of("ServiceAccount").join(", ")),
        ])
    }
}
