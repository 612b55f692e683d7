// crate = "..": the generated code finds client-core under another name.
extern crate client_core as renamed_core;

mod inner {
    use renamed_core::ObjectMeta;
    use serde::{Deserialize, Serialize};

    #[derive(renamed_core::Resource, Serialize, Deserialize)]
    #[resource(crate = "renamed_core", group = "a.example.com", version = "v1")]
    pub struct Thing {
        pub metadata: ObjectMeta,
    }

    #[derive(renamed_core::Clientset)]
    #[clientset(crate = "renamed_core", group = "a.example.com", version = "v1", resources(Thing))]
    pub struct Clientset(renamed_core::RestClient);
}

fn main() {
    use renamed_core::Resource;
    assert_eq!(inner::Thing::PLURAL, "things");
    let _ = inner::Clientset::a_v1;
}
