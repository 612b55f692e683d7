// A user Clientset mixing a k8s-openapi built-in (apps/v1 Deployment) and a
// CRD whose metadata is k8s-openapi's ObjectMeta; K8sClientset's getters.
use client_core::k8s::K8sClientset;
use client_core::k8s::api::apps::v1::Deployment;
use client_core::k8s::api::core::v1::Node;
use client_core::k8s::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use client_core::{Clientset, ListOptions, RestClient, UpdateOptions};
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", kind = "CronTab", status)]
pub struct CronTab {
    metadata: ObjectMeta,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
#[clientset(group = "apps", version = "v1", resources(Deployment))]
pub struct MyClientset(RestClient);

#[allow(dead_code)]
async fn calls(cs: MyClientset, k8s: K8sClientset, d: Deployment, n: Node) {
    let _ = cs.apps_v1().deployments("default").get_scale("web", &Default::default()).await;
    let _ = cs.apps_v1().deployments("default").update_status(&d, &UpdateOptions::default()).await;
    let _ = cs.apps_v1().deployments_all().list(&ListOptions::default()).await;
    let _ = cs.stable_v1().crontabs("default").list(&ListOptions::default()).await;
    let _ = k8s.core_v1().pods_all().list(&ListOptions::default()).await;
    let _ = k8s.core_v1().nodes().update_status(&n, &UpdateOptions::default()).await;
    let _ = k8s.rbac_authorization_v1().cluster_roles().list(&ListOptions::default()).await;
    let _ = k8s.batch_v1().jobs("default").list(&ListOptions::default()).await;
}

fn main() {}
