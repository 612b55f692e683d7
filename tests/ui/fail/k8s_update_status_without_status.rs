// ConfigMap has no status subresource in Kubernetes: no update_status
use client_core::k8s::K8sClientset;
use client_core::k8s::api::core::v1::ConfigMap;
use client_core::UpdateOptions;

fn demo(cs: K8sClientset, cm: ConfigMap) {
    let _ = cs.core_v1().config_maps("default").update_status(&cm, &UpdateOptions::default());
}

fn main() {}
