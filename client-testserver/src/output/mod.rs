//! Chooses Table output from the `Accept` header and builds Tables with a
//! resource's printer columns, for lists, gets and watch events.

pub(crate) mod jsonpath;
pub(crate) mod partial;
pub(crate) mod table;

use std::sync::Arc;

use serde_json::Value;

use crate::http::watch::Transform;
use crate::output::table::{IncludeObject, PrinterColumn, build_table};
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;

/// A Table renderer for one resource.
pub(crate) struct TableOutput {
    columns: Vec<PrinterColumn>,
    include: IncludeObject,
    hooks: &'static dyn KindHooks,
}

impl TableOutput {
    /// Renders `objects` as a Table.
    pub(crate) fn build(&self, objects: &[Value], rv: Option<&str>, cont: Option<&str>) -> Value {
        let mut table = build_table(
            &self.columns,
            objects,
            self.include,
            rv,
            cont,
            jiff::Timestamp::now(),
        );
        let named = self.hooks.table_starts_with_name();
        if !named && let Some(Value::Array(defs)) = table.get_mut("columnDefinitions") {
            defs.remove(0);
        }
        if let Some(Value::Array(rows)) = table.get_mut("rows") {
            for (row, obj) in rows.iter_mut().zip(objects) {
                if let (Some(cells), Value::Object(r)) = (self.hooks.table_cells(obj), row) {
                    let name = obj
                        .pointer("/metadata/name")
                        .cloned()
                        .unwrap_or_else(|| Value::String(String::new()));
                    let all = if named {
                        std::iter::once(name).chain(cells).collect()
                    } else {
                        cells
                    };
                    r.insert("cells".into(), Value::Array(all));
                }
            }
        }
        table
    }
}

fn columns(kind: &ResourceKind) -> Vec<PrinterColumn> {
    kind.printer_columns
        .iter()
        .filter_map(|c| serde_json::from_value(c.clone()).ok())
        .collect()
}

/// A Table renderer when `accept` asks for `as=Table`.
pub(crate) fn table_for(
    kind: &ResourceKind,
    accept: &str,
    include_object: Option<&str>,
) -> Option<TableOutput> {
    if !crate::http::accept::wants_table(accept) {
        return None;
    }
    Some(TableOutput {
        columns: columns(kind),
        include: IncludeObject::from_query(include_object).unwrap_or_default(),
        hooks: kind.hooks,
    })
}

/// For watches asking for Tables: each event's object becomes a one-row
/// Table.
pub(crate) fn watch_transform(
    kind: &ResourceKind,
    accept: &str,
    include_object: Option<&str>,
) -> Option<Transform> {
    let t = table_for(kind, accept, include_object)?;
    Some(Arc::new(move |obj: Value| {
        t.build(std::slice::from_ref(&obj), None, None)
    }))
}
