//! Derive macros for typed Kubernetes resources and Clientsets: client-gen's
//! `+genclient` tags as attributes, checked at compile time, with no generator step.
//!
//! The runtime crate, `client-core`, re-exports both derives; see its
//! documentation for the attribute reference and examples. Internally the
//! crate is layered like serde_derive: [`attr`] parses attributes into typed
//! values with spans, [`model`] applies defaults, [`check`] validates, and the
//! `expand_*` modules generate code from the model only. Errors accumulate in
//! [`errors::Errors`] so a user sees every mistake at once.

#![cfg_attr(test, allow(clippy::expect_used, clippy::unwrap_used))]

mod attr;
mod check;
mod errors;
mod expand_clientset;
mod expand_resource;
mod model;
mod names;
mod plural;

use proc_macro::TokenStream;
use syn::DeriveInput;

/// Derives `Resource` (plus `HasStatus`/`HasScale`), a typed client type with
/// exactly the allowed verbs, an all-namespaces client for namespaced kinds,
/// `client(..)` constructors and `crd()`. See `client_core`'s documentation.
#[proc_macro_derive(Resource, attributes(resource))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    resource(&input).into()
}

/// Derives a Clientset's group-version accessors and resource getters from
/// `#[clientset(group = "..", version = "..", resources(..), cluster_resources(..))]`.
#[proc_macro_derive(Clientset, attributes(clientset))]
pub fn derive_clientset(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand_clientset::derive(&input).into()
}

fn resource(input: &DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = errors::Errors::default();
    let attrs = attr::parse_resource_attrs(&input.attrs, &mut errors);
    let shape = model::Shape::of(input);
    let item_errors_before = {
        let mut item_errors = errors::Errors::default();
        check::item(input, &shape, &mut item_errors);
        let ok = item_errors.is_empty();
        for e in item_errors.into_vec() {
            errors.push(e);
        }
        ok
    };
    check::attrs(input, &attrs, &shape, &mut errors);
    let model = model::build(input, &attrs, &shape);
    let compile_errors = errors.to_compile_errors();
    let body = if !item_errors_before {
        expand_resource::stub(&model)
    } else {
        expand_resource::expand(&model, errors.is_empty())
    };
    quote::quote! {
        #compile_errors
        #body
    }
}

#[cfg(test)]
mod tests {
    fn expand(tokens: proc_macro2::TokenStream) -> String {
        let input: syn::DeriveInput = syn::parse2(tokens).expect("test input parses");
        super::resource(&input).to_string()
    }

    #[test]
    fn crate_override_replaces_every_path() {
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1", status, crate = "my::renamed_core")]
            struct Thing { metadata: M, status: S }
        });
        assert!(!out.contains("client_core"), "{out}");
        assert!(out.contains("my :: renamed_core :: Resource"), "{out}");
    }

    #[test]
    fn verbs_follow_the_attributes() {
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1", readonly, skip_verbs(watch))]
            struct Thing { metadata: M }
        });
        assert!(out.contains("pub fn get"), "{out}");
        assert!(out.contains("pub fn list"), "{out}");
        for absent in [
            "pub fn watch",
            "pub fn create",
            "pub fn update",
            "pub fn delete",
            "pub fn patch",
            "pub fn apply",
        ] {
            assert!(!out.contains(absent), "{absent} in {out}");
        }
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1")]
            struct Thing { metadata: M, status: S }
        });
        assert!(out.contains("pub fn create") && out.contains("pub fn delete_collection"));
        assert!(
            !out.contains("update_status"),
            "no `status`, no status verbs"
        );
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn errors_come_with_stubs_not_cascades() {
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1", plurall = "x")]
            struct Thing { metadata: M }
        });
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(
            out.contains("impl :: client_core :: Resource for Thing"),
            "{out}"
        );
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1")]
            enum Thing { A }
        });
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(out.contains("struct ThingClient { }"), "{out}");
        assert!(!out.contains("impl :: client_core :: Resource"), "{out}");
    }

    #[test]
    fn core_group_has_no_crd_and_a_bare_api_version() {
        let out = expand(quote::quote! {
            #[resource(group = "", version = "v1", kind = "ConfigMap")]
            struct Cm { metadata: M }
        });
        assert!(
            out.contains("const API_VERSION : & 'static str = \"v1\""),
            "{out}"
        );
        assert!(
            out.contains("const PLURAL : & 'static str = \"configmaps\""),
            "{out}"
        );
        assert!(!out.contains("fn crd"), "{out}");
    }
}
