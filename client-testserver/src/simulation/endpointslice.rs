//! Placeholder.

use std::time::Duration;

use crate::error::ApiError;
use crate::simulation::cache::{Cache, Change, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::storage::store::ObjectKey;

/// The controller.
pub(crate) struct EndpointSliceController;

impl Controller for EndpointSliceController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "endpointslice-controller";
    const WATCHES: &'static [&'static str] = &[res::SERVICES];

    fn keys(_change: &Change, _cache: &Cache, _out: &mut Vec<ObjectKey>) {}

    fn reconcile(&mut self, _key: &ObjectKey, _cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        Ok(None)
    }
}
