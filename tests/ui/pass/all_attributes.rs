// Every attribute form of #[resource(..)] at once.
use client_core::{HasScale, HasStatus, ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1beta2",
    kind = "CronTab",
    plural = "crontabs",
    singular = "crontab",
    short_names("ct", "cts"),
    categories("all", "batch"),
    namespaced,
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    printer_column(name = "Spec", type = "string", json_path = ".spec.cronSpec"),
    printer_column(
        name = "Replicas",
        type = "integer",
        json_path = ".spec.replicas",
        priority = 1,
        description = "desired replicas",
        format = "int32"
    ),
    skip_verbs(delete_collection)
)]
pub struct CronTab {
    pub metadata: ObjectMeta,
    pub spec: CronTabSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CronTabStatus>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CronTabSpec {
    #[serde(rename = "cronSpec")]
    pub cron_spec: String,
    pub replicas: i32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CronTabStatus {
    pub replicas: i32,
}

fn needs_status<K: HasStatus + HasScale>() {}

fn main() {
    assert_eq!(CronTab::GROUP, "stable.example.com");
    assert_eq!(CronTab::VERSION, "v1beta2");
    assert_eq!(CronTab::API_VERSION, "stable.example.com/v1beta2");
    assert_eq!(CronTab::KIND, "CronTab");
    assert_eq!(CronTab::PLURAL, "crontabs");
    assert_eq!(CronTab::SINGULAR, "crontab");
    assert_eq!(CronTab::SHORT_NAMES, ["ct", "cts"]);
    assert_eq!(CronTab::CATEGORIES, ["all", "batch"]);
    needs_status::<CronTab>();
    let mut c = CronTab::default();
    c.metadata_mut().name = Some("x".into());
    assert_eq!(c.metadata().name.as_deref(), Some("x"));
    let _ = CronTab::crd;
    let _ = CronTabClient::update_status;
    let _ = CronTabClient::get_scale;

}
