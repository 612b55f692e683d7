//! The strategies of the built-in kinds beyond the few in `builtins`:
//! what a workload kind (Pod, Deployment, Service, Job, ...) does that its
//! discovery row cannot say — defaulting, create-time fields, validation,
//! printer cells, field selectors, deletion rules — one file per kind.
//!
//! `builtins` builds every row from the vendored discovery data, then hands
//! it to [`customize`], which sets the hooks and columns of the kinds that
//! have a strategy here and leaves the others as the data made them.

use crate::registry::kind::ResourceKind;

/// Sets what differs for `row` beyond its discovery data: hooks, field
/// selectors, printer columns, update rules. Rows of kinds without a
/// strategy here are left unchanged.
#[allow(clippy::match_single_binding)] // the arms arrive with the kinds
pub(crate) fn customize(row: &mut ResourceKind) {
    match (row.group.as_str(), row.kind.as_str()) {
        _ => {}
    }
}
