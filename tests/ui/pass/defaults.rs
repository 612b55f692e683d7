// kind defaults to the struct name, plural to client-gen's rule, singular to
// the lowercase kind, scope to namespaced.
use client_core::{Namespaced, ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "policy.example.com", version = "v1")]
struct NetworkPolicy {
    metadata: ObjectMeta,
}

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "gateway.example.com", version = "v1")]
struct Gateway {
    metadata: ObjectMeta,
}

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "net.example.com", version = "v1")]
struct Ingress {
    metadata: ObjectMeta,
}

fn namespaced<K: Resource<Scope = Namespaced>>() {}

fn main() {
    assert_eq!(NetworkPolicy::KIND, "NetworkPolicy");
    assert_eq!(NetworkPolicy::PLURAL, "networkpolicies");
    assert_eq!(NetworkPolicy::SINGULAR, "networkpolicy");
    assert_eq!(Gateway::PLURAL, "gateways");
    assert_eq!(Ingress::PLURAL, "ingresses");
    assert!(NetworkPolicy::SHORT_NAMES.is_empty());
    namespaced::<NetworkPolicy>();
}
