//! A derived `Resource::PLURAL` is client-core's `default_plural` of the kind:
//! both come from the `client-names` crate now, so this no longer guards two
//! copies of the rule; it checks that the derive applies the default when no
//! `plural` is given, on kinds that exercise every branch.

use client_core::Resource;
use client_core::resource::default_plural;

macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        $(
            #[allow(dead_code)]
            #[derive(client_core::Resource, serde::Serialize, serde::Deserialize)]
            #[resource(group = "plural.example.com", version = "v1")]
            struct $kind {
                metadata: client_core::ObjectMeta,
            }
        )*

        #[test]
        fn derive_plural_matches_client_core() {
            $(
                assert_eq!(
                    <$kind as Resource>::PLURAL,
                    default_plural(<$kind as Resource>::KIND),
                    "plural of {}",
                    stringify!($kind)
                );
            )*
        }
    };
}

kinds!(
    CronTab,
    Policy,
    NetworkPolicy,
    Gateway,
    Key,
    Ingress,
    Box,
    Quiz,
    Patch,
    Mesh,
    Endpoints,
    Ay,
    By,
    Status,
    Class,
    IngressClass,
    Proxy,
    Alias,
    Pod,
    ConfigMap,
    X,
);

#[test]
fn examples_from_the_design() {
    assert_eq!(<Policy as Resource>::PLURAL, "policies");
    assert_eq!(<Gateway as Resource>::PLURAL, "gateways");
    assert_eq!(<Ingress as Resource>::PLURAL, "ingresses");
    assert_eq!(<CronTab as Resource>::PLURAL, "crontabs");
    assert_eq!(<X as Resource>::PLURAL, "x");
}
