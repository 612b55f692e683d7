// pods_all() lists and watches every namespace; a create needs a namespace
use client_core::k8s::K8sClientset;
use client_core::k8s::api::core::v1::Pod;
use client_core::CreateOptions;

fn demo(cs: K8sClientset, pod: Pod) {
    let _ = cs.core_v1().pods_all().create(&pod, &CreateOptions::default());
}

fn main() {}
