// Node is cluster-scoped: its getter takes no namespace, and listing it
// under resources(..) is refused
use client_core::k8s::K8sClientset;
use client_core::k8s::api::core::v1::Node;
use client_core::{Clientset, RestClient};

#[derive(Clientset)]
#[clientset(group = "", version = "v1", resources(Node))]
pub struct Cs(RestClient);

fn demo(cs: K8sClientset) {
    let _ = cs.core_v1().nodes("default");
}

fn main() {}
