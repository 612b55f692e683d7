// A Clientset lists kinds whose Resource and client traits are written by
// hand (as a crate wrapping foreign types, such as k8s-openapi's, does).
use client_core::{
    AllNamespacesClient, Cluster, ClusterResourceClient, Namespaced, NamespacedResourceClient,
    ObjectMeta, Resource, RestClient, TypedClient,
};
use serde::{Deserialize, Serialize};

/// A kind with a hand-written `Resource` impl in group `hand.example.com/v1`.
macro_rules! hand_written_kind {
    ($name:ident, $plural:literal, $singular:literal, $scope:ty) => {
        #[derive(Serialize, Deserialize)]
        pub struct $name {
            metadata: ObjectMeta,
        }

        impl Resource for $name {
            const GROUP: &'static str = "hand.example.com";
            const VERSION: &'static str = "v1";
            const API_VERSION: &'static str = "hand.example.com/v1";
            const KIND: &'static str = stringify!($name);
            const PLURAL: &'static str = $plural;
            const SINGULAR: &'static str = $singular;
            const SHORT_NAMES: &'static [&'static str] = &[];
            const CATEGORIES: &'static [&'static str] = &[];
            type Scope = $scope;
            type Meta = ObjectMeta;
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

hand_written_kind!(Widget, "widgets", "widget", Namespaced);
hand_written_kind!(Gadget, "gadgets", "gadget", Cluster);

impl NamespacedResourceClient for Widget {
    type Client = TypedClient<Widget>;
    type AllNamespacesClient = AllNamespacesClient<Widget>;
    fn client(client: &RestClient, namespace: &str) -> Self::Client {
        TypedClient::namespaced(client.clone(), namespace)
    }
    fn all_namespaces(client: &RestClient) -> Self::AllNamespacesClient {
        AllNamespacesClient::new(client.clone())
    }
}

impl ClusterResourceClient for Gadget {
    type Client = TypedClient<Gadget>;
    fn client(client: &RestClient) -> Self::Client {
        TypedClient::cluster(client.clone())
    }
}

#[derive(client_core::Clientset)]
#[clientset(group = "hand.example.com", version = "v1", resources(Widget), cluster_resources(Gadget))]
pub struct Clientset(RestClient);

fn main() {
    let config = client_core::Config::new("https://127.0.0.1:6443".parse().unwrap());
    let cs = Clientset::from_config(config).unwrap();
    let widgets: TypedClient<Widget> = cs.hand_v1().widgets("default");
    assert_eq!(widgets.namespace(), Some("default"));
    let _: AllNamespacesClient<Widget> = cs.hand_v1().widgets_all();
    let gadgets: TypedClient<Gadget> = cs.hand_v1().gadgets();
    assert_eq!(gadgets.namespace(), None);
}
