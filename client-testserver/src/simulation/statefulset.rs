//! Placeholder.

use std::time::Duration;

use crate::error::ApiError;
use crate::simulation::cache::{Cache, Change, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::storage::store::ObjectKey;

/// The controller.
pub(crate) struct StatefulSetController;

impl Controller for StatefulSetController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "statefulset-controller";
    const WATCHES: &'static [&'static str] = &[res::STATEFULSETS];

    fn keys(_change: &Change, _cache: &Cache, _out: &mut Vec<ObjectKey>) {}

    fn reconcile(&mut self, _key: &ObjectKey, _cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        Ok(None)
    }
}
