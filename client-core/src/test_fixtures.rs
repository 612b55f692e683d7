//! Test-only resource types.

use serde::{Deserialize, Serialize};

use crate::ObjectMeta;
use crate::resource::{Namespaced, Resource};

/// A namespaced custom resource used across the tests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: WidgetSpec,
}

/// The widget's spec.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetSpec {
    #[serde(default)]
    pub size: u32,
}

impl Resource for Widget {
    const GROUP: &'static str = "example.com";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "example.com/v1";
    const KIND: &'static str = "Widget";
    const PLURAL: &'static str = "widgets";
    const SINGULAR: &'static str = "widget";
    const SHORT_NAMES: &'static [&'static str] = &[];
    const CATEGORIES: &'static [&'static str] = &[];
    type Scope = Namespaced;
    type Meta = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

impl Widget {
    /// A widget named `name` in `default` with the given size.
    pub fn new(name: &str, size: u32) -> Self {
        Self {
            metadata: ObjectMeta::named(name).in_namespace("default"),
            spec: WidgetSpec { size },
        }
    }
}
