//! `rbac.authorization.k8s.io/v1` Roles, ClusterRoles and their bindings:
//! the roleRef's and subjects' `apiGroup` defaults (rbac/v1/defaults.go),
//! names as path segments, `ValidatePolicyRule`, `ValidateRoleBinding`
//! and the immutable roleRef (rbac/validation/validation.go), `printRole`,
//! `printRoleBinding` and their cluster twins (printers.go). Stored, not
//! enforced.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::{NameRule, ResourceKind};
use crate::registry::kinds::field_errors::{FieldErrors, go_str, go_string_slice};
use crate::registry::kinds::printing::{age, age_column, column};
use crate::registry::kinds::value::{child, default_str, each_mut, items, name_of, str_at};

/// The RBAC API group, the only one a roleRef may name.
const GROUP: &str = "rbac.authorization.k8s.io";

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
    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        _old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        // An aggregated ClusterRole's rules are the controller's to write.
        if obj.get("aggregationRule").is_none_or(Value::is_null) {
            for (i, rule) in items(obj, "/rules").iter().enumerate() {
                validate_rule(rule, kind.namespaced, &format!("rules[{i}]"), &mut errs);
            }
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(vec![json!(str_at(obj, "/metadata/creationTimestamp"))])
    }
}

struct BindingHooks;

static BINDING_HOOKS: BindingHooks = BindingHooks;

impl KindHooks for BindingHooks {
    fn default(&self, obj: &mut Value) {
        if let Some(r) = child(obj, "roleRef") {
            default_str(r, "apiGroup", GROUP);
        }
        each_mut(obj, "subjects", |s| {
            if matches!(str_at(s, "/kind"), "User" | "Group") {
                default_str(s, "apiGroup", GROUP);
            }
        });
    }

    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        let group = str_at(obj, "/roleRef/apiGroup");
        if group != GROUP {
            errs.not_supported("roleRef.apiGroup", group, &[GROUP]);
        }
        let ref_kind = str_at(obj, "/roleRef/kind");
        let kinds: &[&str] = if kind.namespaced {
            &["Role", "ClusterRole"]
        } else {
            &["ClusterRole"]
        };
        if !kinds.contains(&ref_kind) {
            errs.not_supported("roleRef.kind", ref_kind, kinds);
        }
        if str_at(obj, "/roleRef/name").is_empty() {
            errs.required("roleRef.name");
        }
        for (i, s) in items(obj, "/subjects").iter().enumerate() {
            validate_subject(s, kind.namespaced, &format!("subjects[{i}]"), &mut errs);
        }
        if let Some(old) = old
            && old.get("roleRef") != obj.get("roleRef")
        {
            let r = |k: &str| go_str(str_at(obj, &format!("/roleRef/{k}")));
            errs.invalid(
                "roleRef",
                format!(
                    "rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
                    r("apiGroup"),
                    r("kind"),
                    r("name")
                ),
                "cannot change roleRef",
            );
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

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

/// `ValidatePolicyRule`.
fn validate_rule(rule: &Value, namespaced: bool, at: &str, errs: &mut FieldErrors) {
    let empty = |k: &str| items(rule, &format!("/{k}")).is_empty();
    if empty("verbs") {
        errs.required_because(
            format!("{at}.verbs"),
            "verbs must contain at least one value",
        );
    }
    if !empty("nonResourceURLs") {
        let urls = go_string_slice(rule.get("nonResourceURLs"));
        if namespaced {
            errs.invalid(
                format!("{at}.nonResourceURLs"),
                urls.clone(),
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
        if !empty("apiGroups") || !empty("resources") || !empty("resourceNames") {
            errs.invalid(
                format!("{at}.nonResourceURLs"),
                urls,
                "rules cannot apply to both regular resources and non-resource URLs",
            );
        }
        return;
    }
    if empty("apiGroups") {
        errs.required_because(
            format!("{at}.apiGroups"),
            "resource rules must supply at least one api group",
        );
    }
    if empty("resources") {
        errs.required_because(
            format!("{at}.resources"),
            "resource rules must supply at least one resource",
        );
    }
}

/// `ValidateRoleBindingSubject`.
fn validate_subject(s: &Value, namespaced: bool, at: &str, errs: &mut FieldErrors) {
    let name = str_at(s, "/name");
    if name.is_empty() {
        errs.required(format!("{at}.name"));
    }
    let group = str_at(s, "/apiGroup");
    match str_at(s, "/kind") {
        "ServiceAccount" => {
            if !name.is_empty() {
                for msg in client_names::dns1123_subdomain_errors(name) {
                    errs.invalid(format!("{at}.name"), go_str(name), &msg);
                }
            }
            if !group.is_empty() {
                errs.not_supported(format!("{at}.apiGroup"), group, &[""]);
            }
            if !namespaced && str_at(s, "/namespace").is_empty() {
                errs.required(format!("{at}.namespace"));
            }
        }
        "User" | "Group" => {
            if group != GROUP {
                errs.not_supported(format!("{at}.apiGroup"), group, &[GROUP]);
            }
        }
        other => errs.not_supported(
            format!("{at}.kind"),
            other,
            &["ServiceAccount", "User", "Group"],
        ),
    }
}
