//! Code generation for `#[derive(Clientset)]`, from the model only: one
//! accessor per group-version and one getter per resource, with compile-time
//! checks that each listed resource really has the group, version, plural and
//! scope assumed here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use crate::model::{ClientsetModel, GetterModel, GroupVersionModel};
use crate::names::snake_to_camel;

fn checks(k: &syn::Path, gv: &GroupVersionModel, g: &GetterModel) -> TokenStream {
    let path = &g.path;
    let name = g.type_name();
    let (group, version, plural) = (&gv.group.value, &gv.version.value, &g.plural.value);
    let plural_msg = format!(
        "the getter `{plural}` assumes `{name}`'s plural is \"{plural}\", but its `Resource::PLURAL` differs: \
         write `{name} = \"<its plural>\"` in `resources(..)`"
    );
    let namespaced = g.namespaced;
    let scope_msg = if namespaced {
        format!(
            "`{name}` is cluster-scoped, so its getter takes no namespace: \
             list it in `cluster_resources(..)`, not `resources(..)`"
        )
    } else {
        format!(
            "`{name}` is namespaced, so its getter takes a namespace: \
             list it in `resources(..)`, not `cluster_resources(..)`"
        )
    };
    let span = path.span();
    // Group and version in one check, so a kind under the wrong group-version
    // is one error that names where it belongs (a message built in const).
    quote_spanned! {span=>
        const _: () = if let ::core::option::Option::Some(message) =
            #k::__private::misplaced::<#path>(#name, #group, #version)
        {
            ::core::panic!("{}", message.as_str())
        };
        const _: () = ::core::assert!(#k::__private::str_eq(<#path as #k::Resource>::PLURAL, #plural), #plural_msg);
        const _: () = ::core::assert!(
            <<#path as #k::Resource>::Scope as #k::Scope>::NAMESPACED == #namespaced,
            #scope_msg
        );
    }
}

fn getter_fns(k: &syn::Path, g: &GetterModel) -> TokenStream {
    let path = &g.path;
    let name = g.type_name();
    let getter = Ident::new(&g.getter.value, g.getter.span);
    let sp = path.span();
    let tr = quote_spanned!(sp=> <#path as #k::__private::ClientsetMember>);
    let ty = quote_spanned!(sp=> #tr::Client);
    if g.namespaced {
        let all = format_ident!("{}_all", getter);
        let doc = format!(
            "The typed client for `{name}` objects in `namespace`.\n\n\
             `namespace` must not be empty: client-go's empty namespace (all \
             namespaces) is [`Self::{all}`] here (list and watch)."
        );
        let all_doc =
            format!("The client for `{name}` objects in every namespace (`list` and `watch`).");
        let all_ty = quote_spanned!(sp=> #tr::AllNamespacesClient);
        let body = quote_spanned!(sp=> #tr::clientset_getter(&self.0, namespace));
        let all_body = quote_spanned!(sp=> #tr::clientset_getter_all(&self.0));
        quote! {
            #[doc = #doc]
            pub fn #getter(&self, namespace: &str) -> #ty { #body }
            #[doc = #all_doc]
            pub fn #all(&self) -> #all_ty { #all_body }
        }
    } else {
        let doc = format!("The typed client for the cluster-scoped `{name}`.");
        let body = quote_spanned!(sp=> #tr::clientset_cluster_getter(&self.0));
        quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> #ty { #body }
        }
    }
}

/// The generated code for a checked model: `compile_errors` first, then the
/// impl and one client struct per group-version. A struct that cannot hold
/// the client (no single field, generics) gets only the errors.
pub fn expand(model: &ClientsetModel, compile_errors: TokenStream, generics: bool) -> TokenStream {
    let Some(field_ty) = &model.field_ty else {
        return compile_errors;
    };
    if generics {
        return compile_errors;
    }
    let k = &model.krate;
    let ident = &model.ident;
    let vis = &model.vis;
    let mut accessors = Vec::new();
    let mut structs = Vec::new();
    for gv in &model.group_versions {
        let acc = Ident::new(&gv.accessor.value, gv.accessor.span);
        let client = format_ident!("{}Client", snake_to_camel(&gv.accessor.value));
        let (group, version) = (&gv.group.value, &gv.version.value);
        let (shown, shown_core) = if group.is_empty() {
            (version.clone(), format!("core/{version}"))
        } else {
            (format!("{group}/{version}"), format!("{group}/{version}"))
        };
        let doc = format!("Clients for the resources of `{shown}`.");
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #acc(&self) -> #client { #client(::core::clone::Clone::clone(&self.0)) }
        });
        let doc = format!("The typed clients of `{shown_core}`, from [`{ident}::{acc}`].");
        let getters = gv.getters.iter().map(|g| getter_fns(k, g));
        let checks = gv.getters.iter().map(|g| checks(k, gv, g));
        structs.push(quote! {
            #[doc = #doc]
            #vis struct #client(#k::__private::RestClient);

            #[automatically_derived]
            impl ::core::clone::Clone for #client {
                fn clone(&self) -> Self { Self(::core::clone::Clone::clone(&self.0)) }
            }

            #[automatically_derived]
            impl #client {
                #(#getters)*
            }

            #(#checks)*
        });
    }
    quote! {
        #compile_errors

        #[automatically_derived]
        impl #ident {
            /// A clientset whose typed clients all send their requests through `client`.
            pub fn new(client: #field_ty) -> Self { Self(client) }
            /// The REST client every typed client of this set uses.
            pub fn rest_client(&self) -> &#field_ty { &self.0 }
            /// A clientset for `config`: builds the one shared REST client.
            ///
            /// # Errors
            ///
            /// When the REST client cannot be built from `config` (TLS or authentication settings).
            pub fn from_config(config: #k::Config) -> #k::Result<Self> {
                #k::__private::RestClient::new(config).map(Self::new)
            }
            #(#accessors)*
        }

        #(#structs)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(tokens: TokenStream) -> Vec<String> {
        let input: syn::DeriveInput = syn::parse2(tokens).expect("parses");
        let out = crate::clientset(&input).to_string();
        out.match_indices("compile_error")
            .map(|(i, _)| out[i..].split("\" }").next().unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn accessor_clash_asks_for_a_name() {
        let errs = errors_of(quote! {
            #[clientset(group = "stable.example.com", version = "v1", resources(A))]
            #[clientset(group = "stable.other.io", version = "v1", resources(B))]
            struct Cs(RestClient);
        });
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("name = "), "{errs:?}");
        let errs = errors_of(quote! {
            #[clientset(group = "stable.example.com", version = "v1", resources(A))]
            #[clientset(group = "stable.other.io", version = "v1", resources(B), name = "other_v1")]
            struct Cs(RestClient);
        });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn shape_and_values() {
        let errs = errors_of(quote! {
            #[clientset(group = "Bad", version = "one", resources(A))]
            struct Cs { client: RestClient }
        });
        assert_eq!(errs.len(), 3, "{errs:?}");
        let errs = errors_of(quote! {
            #[clientset(group = "a.io", version = "v1", resources(Ab, Ab))]
            struct Cs(RestClient);
        });
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("two getters"), "{errs:?}");
    }

    #[test]
    fn group_and_version_rules_are_the_resource_derives() {
        let errs = errors_of(quote! {
            #[clientset(group = "Bad", version = "1", resources(A))]
            #[clientset(version = "v1", resources(B))]
            #[clientset(group = "apps", resources(C))]
            #[clientset(group = "apps", version = "v1", resources(D))]
            struct Cs(RestClient);
        });
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(
            errs[0].contains("missing `group`: write #[clientset(group = "),
            "{errs:?}"
        );
        assert!(
            errs[1].contains("missing `version`: write #[clientset(version = "),
            "{errs:?}"
        );
        assert!(
            errs[2]
                .contains("invalid group `Bad`: expected a DNS-1123 subdomain (lowercase labels"),
            "{errs:?}"
        );
        assert!(
            errs[3].contains("(such as `v1`, `v1beta2`, `v2alpha1`)"),
            "{errs:?}"
        );
    }

    #[test]
    fn generated_names() {
        let input: syn::DeriveInput = syn::parse2(quote! {
            #[clientset(group = "cert-manager.io", version = "v1", resources(Certificate, Policy), cluster_resources(ClusterIssuer))]
            #[clientset(group = "", version = "v1", resources(ConfigMap))]
            pub struct Cs(RestClient);
        })
        .expect("parses");
        let out = crate::clientset(&input).to_string();
        for needle in [
            "fn cert_manager_v1",
            "struct CertManagerV1Client",
            "fn certificates",
            "fn certificates_all",
            "fn policies",
            "fn clusterissuers",
            "fn core_v1",
            "fn configmaps",
        ] {
            assert!(out.contains(needle), "{needle} missing in {out}");
        }
        assert!(!out.contains("clusterissuers_all"));
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn snake_case_getters_split_the_kind_into_words() {
        let input: syn::DeriveInput = syn::parse2(quote! {
            #[clientset(group = "rbac.authorization.k8s.io", version = "v1", snake_case_getters,
                        name = "rbac_authorization_v1", resources(RoleBinding), cluster_resources(ClusterRole))]
            #[clientset(group = "", version = "v1", resources(ConfigMap, Endpoints = "endpoints"))]
            pub struct Cs(RestClient);
        })
        .expect("parses");
        let out = crate::clientset(&input).to_string();
        for needle in [
            "fn rbac_authorization_v1",
            "fn role_bindings",
            "fn role_bindings_all",
            "fn cluster_roles",
            "fn config_maps",
            "fn endpoints",
            "\"rolebindings\"",
            "\"clusterroles\"",
        ] {
            assert!(out.contains(needle), "{needle} missing in {out}");
        }
        assert!(!out.contains("compile_error"), "{out}");
    }
}
