//! `#[derive(Clientset)]`: parse, check and generate one accessor per
//! group-version and one getter per resource, with compile-time checks that each
//! listed resource really has the group, version, plural and scope assumed here.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attr::{ClientsetAttr, ClientsetEntry, Sp, parse_clientset_attrs};
use crate::errors::Errors;
use crate::model::crate_path;
use crate::names::{group_version_accessor, is_snake_ident, snake_to_camel};
use client_names::{default_plural, is_api_version, is_dns1035_label, is_dns1123_subdomain};

/// One resource getter, resolved.
struct Getter {
    path: syn::Path,
    plural: String,
    span: Span,
    namespaced: bool,
}

/// One group-version, resolved.
struct GroupVersion {
    group: String,
    version: String,
    accessor: Ident,
    client: Ident,
    getters: Vec<Getter>,
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

fn getters(
    entries: &[ClientsetEntry],
    namespaced: bool,
    taken: &mut Vec<String>,
    errors: &mut Errors,
) -> Vec<Getter> {
    let mut out = Vec::new();
    for e in entries {
        let (plural, span) = match &e.plural {
            Some(Sp { value, span }) => (value.clone(), *span),
            None => (default_plural(&last_ident(&e.path)), e.path.span()),
        };
        if !is_dns1035_label(&plural) || plural.contains('-') {
            errors.at(
                span,
                format!(
                    "`{plural}` cannot name a getter: write the resource's plural as `{} = \"plural\"` \
                     (lowercase letters and digits)",
                    last_ident(&e.path)
                ),
            );
            continue;
        }
        let names = if namespaced {
            vec![plural.clone(), format!("{plural}_all")]
        } else {
            vec![plural.clone()]
        };
        if let Some(clash) = names.iter().find(|n| taken.contains(n)) {
            errors.at(
                span,
                format!("two getters would be named `{clash}` in this group-version"),
            );
            continue;
        }
        taken.extend(names);
        out.push(Getter {
            path: e.path.clone(),
            plural,
            span,
            namespaced,
        });
    }
    out
}

fn group_versions(attrs: &[ClientsetAttr], errors: &mut Errors) -> Vec<GroupVersion> {
    let mut out: Vec<GroupVersion> = Vec::new();
    for a in attrs {
        let Some(group) = &a.group else {
            errors.at(a.span, "missing `group` (\"\" is the core group)");
            continue;
        };
        let Some(version) = &a.version else {
            errors.at(a.span, "missing `version` (such as \"v1\")");
            continue;
        };
        let mut ok = true;
        if !group.value.is_empty() && !is_dns1123_subdomain(&group.value) {
            errors.at(
                group.span,
                format!(
                    "invalid group `{}`: expected a DNS-1123 subdomain such as `stable.example.com`, \
                     or \"\" for the core group",
                    group.value
                ),
            );
            ok = false;
        }
        if !is_api_version(&version.value) {
            errors.at(
                version.span,
                format!(
                    "invalid version `{}`: expected `v<N>`, `v<N>alpha<M>` or `v<N>beta<M>`",
                    version.value
                ),
            );
            ok = false;
        }
        let (accessor, accessor_span) = match &a.name {
            Some(n) => {
                if !is_snake_ident(&n.value) {
                    errors.at(
                        n.span,
                        format!(
                            "invalid name `{}`: expected a snake_case identifier",
                            n.value
                        ),
                    );
                    ok = false;
                }
                (n.value.clone(), n.span)
            }
            None => (
                group_version_accessor(&group.value, &version.value),
                group.span,
            ),
        };
        if !ok {
            continue;
        }
        if let Some(prev) = out.iter().find(|gv| gv.accessor == accessor) {
            let msg = if prev.group == group.value && prev.version == version.value {
                format!(
                    "`{}/{}` is already listed: put all its resources in one #[clientset(..)]",
                    group.value, version.value
                )
            } else {
                format!(
                    "groups `{}` and `{}` would both be reached through `{accessor}()`: \
                     give this one another accessor with `name = \"...\"`",
                    prev.group, group.value
                )
            };
            errors.at(accessor_span, msg);
            continue;
        }
        let mut taken = Vec::new();
        let mut gs = getters(&a.resources, true, &mut taken, errors);
        gs.extend(getters(&a.cluster_resources, false, &mut taken, errors));
        let Ok(ident) = syn::parse_str::<Ident>(&accessor) else {
            errors.at(accessor_span, format!("`{accessor}` is not an identifier"));
            continue;
        };
        out.push(GroupVersion {
            group: group.value.clone(),
            version: version.value.clone(),
            client: format_ident!("{}Client", snake_to_camel(&accessor)),
            accessor: ident,
            getters: gs,
        });
    }
    out
}

fn checks(k: &syn::Path, gv: &GroupVersion, g: &Getter) -> TokenStream {
    let path = &g.path;
    let name = last_ident(path);
    let (group, version, plural) = (&gv.group, &gv.version, &g.plural);
    let group_shown = if group.is_empty() {
        "the core group \"\"".to_owned()
    } else {
        format!("group `{group}`")
    };
    let group_msg = format!(
        "`{name}` is listed under {group_shown}, but its `Resource::GROUP` is another group: \
         move it to the #[clientset(..)] of its own group"
    );
    let version_msg = format!(
        "`{name}` is listed under version `{version}`, but its `Resource::VERSION` is another version: \
         move it to the #[clientset(..)] of its own version"
    );
    let plural_msg = format!(
        "the getter `{plural}` assumes `{name}`'s plural is \"{plural}\", but its `Resource::PLURAL` differs: \
         write `{name} = \"<its plural>\"` in `resources(..)`"
    );
    let span = path.span();
    quote_spanned! {span=>
        const _: () = ::core::assert!(#k::__private::str_eq(<#path as #k::Resource>::GROUP, #group), #group_msg);
        const _: () = ::core::assert!(#k::__private::str_eq(<#path as #k::Resource>::VERSION, #version), #version_msg);
        const _: () = ::core::assert!(#k::__private::str_eq(<#path as #k::Resource>::PLURAL, #plural), #plural_msg);
    }
}

fn getter_fns(k: &syn::Path, g: &Getter) -> TokenStream {
    let path = &g.path;
    let name = last_ident(path);
    let getter = Ident::new(&g.plural, g.span);
    if g.namespaced {
        let all = format_ident!("{}_all", getter);
        let doc = format!("The typed client for `{name}` objects in `namespace`.");
        let all_doc =
            format!("The client for `{name}` objects in every namespace (`list` and `watch`).");
        let sp = path.span();
        let tr = quote_spanned!(sp=> <#path as #k::NamespacedResourceClient>);
        let ty = quote_spanned!(sp=> #tr::Client);
        let all_ty = quote_spanned!(sp=> #tr::AllNamespacesClient);
        let body = quote_spanned!(sp=> #tr::client(&self.0, namespace));
        let all_body = quote_spanned!(sp=> #tr::all_namespaces(&self.0));
        quote! {
            #[doc = #doc]
            pub fn #getter(&self, namespace: &str) -> #ty { #body }
            #[doc = #all_doc]
            pub fn #all(&self) -> #all_ty { #all_body }
        }
    } else {
        let doc = format!("The typed client for the cluster-scoped `{name}`.");
        let sp = path.span();
        let tr = quote_spanned!(sp=> <#path as #k::ClusterResourceClient>);
        let ty = quote_spanned!(sp=> #tr::Client);
        let body = quote_spanned!(sp=> #tr::client(&self.0));
        quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> #ty { #body }
        }
    }
}

/// Expands `#[derive(Clientset)]`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let attrs = parse_clientset_attrs(&input.attrs, &mut errors);
    let ident = &input.ident;
    let field_ty = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| f.ty.clone()),
            _ => None,
        },
        _ => None,
    };
    if field_ty.is_none() {
        errors.spanned(
            ident,
            "#[derive(Clientset)] needs a tuple struct holding the REST client: `pub struct Clientset(RestClient);`",
        );
    }
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics.params,
            "#[derive(Clientset)] does not support generic parameters",
        );
    }
    if attrs.is_empty() && errors.is_empty() {
        errors.spanned(
            ident,
            "#[derive(Clientset)] needs at least one #[clientset(group = \"..\", version = \"..\", resources(..))]",
        );
    }
    let mut krate: Option<Sp<syn::Path>> = None;
    for a in &attrs {
        if let Some(c) = &a.krate {
            if krate.is_some() {
                errors.at(c.span, "duplicate `crate`: give it once");
            } else {
                krate = Some(c.clone());
            }
        }
    }
    let k = crate_path(&krate);
    let gvs = group_versions(&attrs, &mut errors);
    let compile_errors = errors.to_compile_errors();
    let Some(field_ty) = field_ty else {
        return compile_errors;
    };
    if !input.generics.params.is_empty() {
        return compile_errors;
    }
    let vis = &input.vis;
    let accessors = gvs.iter().map(|gv| {
        let (acc, client) = (&gv.accessor, &gv.client);
        let shown = if gv.group.is_empty() {
            gv.version.clone()
        } else {
            format!("{}/{}", gv.group, gv.version)
        };
        let doc = format!("Clients for the resources of `{shown}`.");
        quote! {
            #[doc = #doc]
            pub fn #acc(&self) -> #client { #client(::core::clone::Clone::clone(&self.0)) }
        }
    });
    let structs = gvs.iter().map(|gv| {
        let client = &gv.client;
        let shown = if gv.group.is_empty() {
            format!("core/{}", gv.version)
        } else {
            format!("{}/{}", gv.group, gv.version)
        };
        let doc = format!(
            "The typed clients of `{shown}`, from [`{ident}::{}`].",
            gv.accessor
        );
        let getters = gv.getters.iter().map(|g| getter_fns(&k, g));
        let checks = gv.getters.iter().map(|g| checks(&k, gv, g));
        quote! {
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
        }
    });
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
        let input: DeriveInput = syn::parse2(tokens).expect("parses");
        let out = derive(&input).to_string();
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
    fn generated_names() {
        let input: DeriveInput = syn::parse2(quote! {
            #[clientset(group = "cert-manager.io", version = "v1", resources(Certificate, Policy), cluster_resources(ClusterIssuer))]
            #[clientset(group = "", version = "v1", resources(ConfigMap))]
            pub struct Cs(RestClient);
        })
        .expect("parses");
        let out = derive(&input).to_string();
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
}
