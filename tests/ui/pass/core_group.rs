// group = "" is the core group: apiVersion is the bare version.
use client_core::{ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "", version = "v1", kind = "ConfigMap")]
struct MyConfigMap {
    metadata: ObjectMeta,
}

fn main() {
    assert_eq!(MyConfigMap::GROUP, "");
    assert_eq!(MyConfigMap::API_VERSION, "v1");
    assert_eq!(MyConfigMap::PLURAL, "configmaps");
    let _ = MyConfigMapClient::list;
}
