// a CRD's group must contain a dot: kube-apiserver refuses `group: widgets`
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "widgets", version = "v1")]
pub struct Widget {
    metadata: ObjectMeta,
}

fn main() {}
