//! Code generation for `#[derive(Resource)]`, from the model only.
//!
//! Everything generated is thin: constants, marker impls, and client types whose
//! methods are one-line forwards into `client-core`'s generic `TypedClient`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{MethodModel, ResourceModel};
use crate::verbs::{MethodVerb, Verb};

/// The documentation line of a standard verb's method.
fn verb_doc(verb: Verb) -> &'static str {
    match verb {
        Verb::Create => "Creates `obj` (`POST`) and returns the object as stored.",
        Verb::Get => "Reads the object called `name` (`GET`).",
        Verb::List => {
            "Lists objects (`GET` on the collection); see `list_pages` to follow `continue` tokens."
        }
        Verb::Watch => "Watches objects (`GET ?watch=true`): a stream of watch events.",
        Verb::Update => {
            "Replaces `obj` (`PUT`); `metadata.resourceVersion` guards against lost updates."
        }
        Verb::UpdateStatus => "Replaces the status of `obj` (`PUT` on the `status` subresource).",
        Verb::Patch => {
            "Patches the object called `name` (`PATCH`, merge, JSON or strategic merge)."
        }
        Verb::PatchStatus => {
            "Patches the status of the object called `name` (`PATCH` on `status`)."
        }
        Verb::Apply => {
            "Server-side apply of `obj` (any serializable partial object) as the field manager in `opts`."
        }
        Verb::ApplyStatus => "Server-side apply on the `status` subresource.",
        Verb::Delete => {
            "Deletes the object called `name`; the answer says whether it is gone or still finalizing."
        }
        Verb::DeleteCollection => "Deletes every object matched by `list_opts`.",
    }
}

/// The signature and forwarding call of one method of a typed client.
struct Method {
    sig: TokenStream,
    call: TokenStream,
}

/// A standard verb's method, without the extras `list` and `watch` bring.
fn verb_parts(model: &ResourceModel, verb: Verb) -> Method {
    let k = &model.krate;
    let t = &model.ident;
    let p = quote!(#k::__private);
    let (sig, call) = match verb {
        Verb::Create => (
            quote!(pub fn create(&self, obj: &#t, opts: &#p::CreateOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.create(obj, opts)),
        ),
        Verb::Get => (
            quote!(pub fn get(&self, name: &str, opts: &#p::GetOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.get(name, opts)),
        ),
        Verb::List => (
            quote!(pub fn list(&self, opts: &#p::ListOptions) -> #p::ApiFuture<#p::List<#t>>),
            quote!(self.0.list(opts)),
        ),
        Verb::Watch => (
            quote!(pub fn watch(&self, opts: &#p::ListOptions) -> #p::ApiFuture<#p::WatchStream<#t>>),
            quote!(self.0.watch(opts)),
        ),
        Verb::Update => (
            quote!(pub fn update(&self, obj: &#t, opts: &#p::UpdateOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.update(obj, opts)),
        ),
        Verb::UpdateStatus => (
            quote!(pub fn update_status(&self, obj: &#t, opts: &#p::UpdateOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.update_status(obj, opts)),
        ),
        Verb::Patch => (
            quote!(pub fn patch<P: #p::Serialize>(&self, name: &str, patch: &#p::Patch<P>, opts: &#p::PatchOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.patch(name, patch, opts)),
        ),
        Verb::PatchStatus => (
            quote!(pub fn patch_status<P: #p::Serialize>(&self, name: &str, patch: &#p::Patch<P>, opts: &#p::PatchOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.patch_status(name, patch, opts)),
        ),
        Verb::Apply => (
            quote!(pub fn apply<P: #p::Serialize>(&self, name: &str, obj: &P, opts: &#p::ApplyOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.apply(name, obj, opts)),
        ),
        Verb::ApplyStatus => (
            quote!(pub fn apply_status<P: #p::Serialize>(&self, name: &str, obj: &P, opts: &#p::ApplyOptions) -> #p::ApiFuture<#t>),
            quote!(self.0.apply_status(name, obj, opts)),
        ),
        Verb::Delete => (
            quote!(pub fn delete(&self, name: &str, opts: &#p::DeleteOptions) -> #p::ApiFuture<#p::DeleteOutcome<#t>>),
            quote!(self.0.delete(name, opts)),
        ),
        Verb::DeleteCollection => (
            quote!(pub fn delete_collection(&self, opts: &#p::DeleteOptions, list_opts: &#p::ListOptions) -> #p::ApiFuture<#p::List<#t>>),
            quote!(self.0.delete_collection(opts, list_opts)),
        ),
    };
    Method { sig, call }
}

/// The forwarding method for one standard verb.
fn verb_method(model: &ResourceModel, verb: Verb) -> TokenStream {
    let k = &model.krate;
    let t = &model.ident;
    let doc = verb_doc(verb);
    let Method { sig, call } = verb_parts(model, verb);
    let extra = match verb {
        Verb::List => quote! {
            /// Lists objects page by page, following `continue` tokens: a stream of lists.
            #[inline]
            pub fn list_pages(&self, opts: &#k::__private::ListOptions) -> #k::__private::Pages<#t> { self.0.list_pages(opts) }
        },
        Verb::Watch if model.verbs.has(Verb::List) => quote! {
            /// A list-then-watch stream that resumes, re-lists after 410 and never loses an event.
            #[inline]
            pub fn watcher(&self, config: #k::__private::WatcherConfig) -> #k::__private::Watcher<#t> { self.0.watcher(config) }
        },
        _ => TokenStream::new(),
    };
    quote! {
        #[doc = #doc]
        #[inline]
        #sig { #call }
        #extra
    }
}

/// The `scale` subresource's methods: `get_scale`, `update_scale`, `patch_scale`,
/// each with the standard verb whose rules it follows.
fn scale_parts(model: &ResourceModel) -> [(Verb, &'static str, Method); 3] {
    let p = {
        let k = &model.krate;
        quote!(#k::__private)
    };
    [
        (
            Verb::Get,
            "Reads the `scale` subresource of the object called `name`.",
            Method {
                sig: quote!(pub fn get_scale(&self, name: &str, opts: &#p::GetOptions) -> #p::ApiFuture<#p::Scale>),
                call: quote!(self.0.get_scale(name, opts)),
            },
        ),
        (
            Verb::Update,
            "Replaces the `scale` subresource of the object called `name`.",
            Method {
                sig: quote!(pub fn update_scale(&self, name: &str, scale: &#p::Scale, opts: &#p::UpdateOptions) -> #p::ApiFuture<#p::Scale>),
                call: quote!(self.0.update_scale(name, scale, opts)),
            },
        ),
        (
            Verb::Patch,
            "Patches the `scale` subresource of the object called `name`.",
            Method {
                sig: quote!(pub fn patch_scale<P: #p::Serialize>(&self, name: &str, patch: &#p::Patch<P>, opts: &#p::PatchOptions) -> #p::ApiFuture<#p::Scale>),
                call: quote!(self.0.patch_scale(name, patch, opts)),
            },
        ),
    ]
}

fn scale_methods(model: &ResourceModel) -> TokenStream {
    if model.scale.is_none() {
        return TokenStream::new();
    }
    scale_parts(model)
        .into_iter()
        .filter(|(verb, _, _)| model.verbs.has(*verb))
        .map(|(_, doc, Method { sig, call })| {
            quote! {
                #[doc = #doc]
                #[inline]
                #sig { #call }
            }
        })
        .collect()
}

/// Why a method the verb rules allow is missing: the trait whose absence the
/// compiler reports (its `#[diagnostic::on_unimplemented]` says what to write
/// instead) and the span its "required by this bound" note points at.
fn gate(model: &ResourceModel, verb: Verb, subresource: Option<&str>) -> Option<TokenStream> {
    let k = &model.krate;
    let t = &model.ident;
    let missing = match subresource {
        Some("status") if !model.status => Some(quote!(#k::HasStatus)),
        Some("scale") if model.scale.is_none() => Some(quote!(#k::HasScale)),
        _ => None,
    };
    if let Some(bound) = missing {
        return Some(quote!(#t: #bound));
    }
    let readonly = model.readonly?;
    // Spanned on `readonly`, so "required by this bound" points at it.
    let bound = respan(quote!(#k::Writable), readonly);
    (!verb.is_read()).then(|| quote!(#t: #bound))
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(g) = &tree {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tree = proc_macro2::TokenTree::Group(group);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// Hidden stand-ins for the methods that `readonly`, a missing `status` or a
/// missing `scale(..)` remove, while the verb rules would allow them. Each
/// carries a bound the kind can never meet, so a call is one error that says
/// why and what to write instead, rather than "no method named ...".
///
/// The bound is higher-ranked (`for<'__gate>`): a plain `where Kind: Trait`
/// that does not hold is an error where it is written (trivial bounds are
/// unstable); a higher-ranked one is checked only where the method is used.
/// The stub's body is the real forward, type-checked under that bound.
fn gated_stubs(model: &ResourceModel) -> TokenStream {
    let mut out = TokenStream::new();
    let mut stub = |bound: TokenStream, Method { sig, call }: Method| {
        out.extend(quote! {
            #[doc(hidden)]
            #[inline]
            #sig where for<'__gate> #bound { #call }
        });
    };
    for verb in model.rule_verbs.iter() {
        if model.verbs.has(verb) {
            continue;
        }
        let subresource = verb.needs_status().then_some("status");
        if let Some(bound) = gate(model, verb, subresource) {
            stub(bound, verb_parts(model, verb));
        }
    }
    for (verb, _, method) in scale_parts(model) {
        let removed = model.scale.is_none() || !model.verbs.has(verb);
        if removed
            && model.rule_verbs.has(verb)
            && let Some(bound) = gate(model, verb, Some("scale"))
        {
            stub(bound, method);
        }
    }
    out
}

fn custom_method(model: &ResourceModel, m: &MethodModel) -> TokenStream {
    let k = &model.krate;
    let name = &m.name;
    let sub = &m.subresource;
    let input = &m.input;
    let result = &m.result;
    let doc = format!(
        "`{}` on the `{}` subresource of the object called `name` (declared with `method(..)`).",
        m.verb.name().to_ascii_uppercase(),
        m.subresource
    );
    let sig = match m.verb {
        MethodVerb::Get => quote! {
            pub fn #name(&self, name: &str, opts: &#k::__private::GetOptions) -> #k::__private::ApiFuture<#result> { self.0.subresource_get(name, #sub, opts) }
        },
        MethodVerb::Create => quote! {
            pub fn #name(&self, name: &str, input: &#input, opts: &#k::__private::CreateOptions) -> #k::__private::ApiFuture<#result> { self.0.subresource_create(name, #sub, input, opts) }
        },
        MethodVerb::Update => quote! {
            pub fn #name(&self, name: &str, input: &#input, opts: &#k::__private::UpdateOptions) -> #k::__private::ApiFuture<#result> { self.0.subresource_update(name, #sub, input, opts) }
        },
        MethodVerb::Patch => quote! {
            pub fn #name<P: #k::__private::Serialize>(&self, name: &str, patch: &#k::__private::Patch<P>, opts: &#k::__private::PatchOptions) -> #k::__private::ApiFuture<#result> { self.0.subresource_patch(name, #sub, patch, opts) }
        },
    };
    quote! {
        #[doc = #doc]
        #[inline]
        #sig
    }
}

fn strs(v: &[String]) -> TokenStream {
    quote!(&[#(#v),*])
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn crd_fn(model: &ResourceModel) -> TokenStream {
    if !model.crd {
        return TokenStream::new();
    }
    let k = &model.krate;
    let status = model.status;
    let scale = match &model.scale {
        Some(s) => {
            let spec = &s.spec_replicas_path;
            let st = &s.status_replicas_path;
            let sel = opt_str(&s.label_selector_path);
            quote! {
                ::core::option::Option::Some(#k::__private::CrdScale {
                    spec_replicas_path: #spec,
                    status_replicas_path: #st,
                    label_selector_path: #sel,
                })
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let columns = model.columns.iter().map(|c| {
        let (name, ty, path, priority) = (&c.name, &c.ty, &c.json_path, c.priority);
        let description = opt_str(&c.description);
        let format = opt_str(&c.format);
        quote! {
            #k::__private::CrdColumn {
                name: #name, type_: #ty, json_path: #path, priority: #priority,
                description: #description, format: #format,
            }
        }
    });
    crate::crd::expand(
        model,
        &model.crd_attrs,
        quote! {
            status: #status,
            scale: #scale,
            columns: &[#(#columns),*],
        },
    )
}

/// The complete expansion for a valid (or shape-valid) resource.
/// `with_custom` is false when attribute errors were found, so that bad
/// `method(..)`s do not add errors of their own.
pub fn expand(model: &ResourceModel, with_custom: bool) -> TokenStream {
    let k = &model.krate;
    let t = &model.ident;
    let vis = &model.vis;
    let (group, version, kind, plural, singular) = (
        &model.group,
        &model.version,
        &model.kind,
        &model.plural,
        &model.singular,
    );
    let api_version = if group.is_empty() {
        version.clone()
    } else {
        format!("{group}/{version}")
    };
    let short = strs(&model.short_names);
    let categories = strs(&model.categories);
    let scope = if model.namespaced {
        quote!(#k::Namespaced)
    } else {
        quote!(#k::Cluster)
    };
    // The `metadata` field's type is `Resource::Meta`: client-core's
    // `ObjectMeta` or k8s-openapi's. A field of another type is reported on
    // that type, through `ObjectMetaAccess`'s readable message.
    let meta_ty = match &model.metadata_ty {
        Some(ty) => quote_spanned!(ty.span()=> #ty),
        None => quote!(#k::__private::ObjectMeta),
    };
    let mut out = quote! {
        #[automatically_derived]
        impl #k::Resource for #t {
            const GROUP: &'static str = #group;
            const VERSION: &'static str = #version;
            const API_VERSION: &'static str = #api_version;
            const KIND: &'static str = #kind;
            const PLURAL: &'static str = #plural;
            const SINGULAR: &'static str = #singular;
            const SHORT_NAMES: &'static [&'static str] = #short;
            const CATEGORIES: &'static [&'static str] = #categories;
            type Scope = #scope;
            type Meta = #meta_ty;
            #[inline]
            fn metadata(&self) -> &Self::Meta { &self.metadata }
            #[inline]
            fn metadata_mut(&mut self) -> &mut Self::Meta { &mut self.metadata }
        }
    };
    // `do_not_recommend`: when another kind lacks the subresource, the error
    // says what to add to it, not "the trait is implemented for `CronTab`".
    if model.status {
        out.extend(quote!(#[automatically_derived] #[diagnostic::do_not_recommend] impl #k::HasStatus for #t {}));
    }
    if model.scale.is_some() {
        out.extend(quote!(#[automatically_derived] #[diagnostic::do_not_recommend] impl #k::HasScale for #t {}));
    }
    if model.readonly.is_none() {
        out.extend(quote!(#[automatically_derived] #[diagnostic::do_not_recommend] impl #k::Writable for #t {}));
    }

    let client = format_ident!("{}Client", t);
    let all = format_ident!("{}AllNamespacesClient", t);
    let verbs: TokenStream = model.verbs.iter().map(|v| verb_method(model, v)).collect();
    let scale = scale_methods(model);
    let stubs = gated_stubs(model);
    let custom: TokenStream = if with_custom {
        model
            .methods
            .iter()
            .map(|m| custom_method(model, m))
            .collect()
    } else {
        TokenStream::new()
    };
    let client_doc = format!(
        "Typed client for `{kind}` ({api_version}, `{plural}`): one method per verb the resource allows.\n\n\
         Build it with [`{t}::client`], `{client}::new` or a Clientset getter."
    );
    let (ctor, from_type, link) = if model.namespaced {
        let all_doc = format!(
            "Client for `{kind}` objects across all namespaces: `list` and `watch` only (as allowed)."
        );
        let all_verbs: TokenStream = [Verb::List, Verb::Watch]
            .into_iter()
            .filter(|v| model.verbs.has(*v))
            .map(|v| verb_method(model, v))
            .collect();
        out.extend(quote! {
            #[doc = #all_doc]
            #vis struct #all(#k::__private::AllNamespacesClient<#t>);

            #[automatically_derived]
            impl ::core::clone::Clone for #all {
                fn clone(&self) -> Self { Self(::core::clone::Clone::clone(&self.0)) }
            }

            #[automatically_derived]
            impl ::core::fmt::Debug for #all {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_tuple(::core::stringify!(#all)).field(&self.0).finish()
                }
            }

            #[automatically_derived]
            impl #all {
                /// A client for every namespace, sending its requests through `client`.
                pub fn new(client: #k::__private::RestClient) -> Self { Self(#k::__private::AllNamespacesClient::new(client)) }
                #all_verbs
            }
        });
        (
            quote! {
                /// A client for the objects in `namespace`, sending its requests through `client`.
                pub fn new(client: #k::__private::RestClient, namespace: impl ::core::convert::Into<::std::string::String>) -> Self {
                    Self(#k::__private::TypedClient::namespaced(client, namespace))
                }
                /// The namespace this client works in.
                pub fn namespace(&self) -> &str { self.0.namespace().unwrap_or_default() }
            },
            quote! {
                /// The typed client for objects in `namespace` (keeps a clone of `client`).
                pub fn client(client: &#k::__private::RestClient, namespace: &str) -> #client {
                    #client::new(::core::clone::Clone::clone(client), namespace)
                }
                /// The client for every namespace: `list` and `watch` only (keeps a clone of `client`).
                pub fn all_namespaces(client: &#k::__private::RestClient) -> #all {
                    #all::new(::core::clone::Clone::clone(client))
                }
            },
            quote! {
                #[automatically_derived]
                #[diagnostic::do_not_recommend]
                impl #k::NamespacedResourceClient for #t {
                    type Client = #client;
                    type AllNamespacesClient = #all;
                    fn client(client: &#k::__private::RestClient, namespace: &str) -> #client { Self::client(client, namespace) }
                    fn all_namespaces(client: &#k::__private::RestClient) -> #all { Self::all_namespaces(client) }
                }
            },
        )
    } else {
        (
            quote! {
                /// A client for this cluster-scoped kind, sending its requests through `client`.
                pub fn new(client: #k::__private::RestClient) -> Self { Self(#k::__private::TypedClient::cluster(client)) }
            },
            quote! {
                /// The typed client for this cluster-scoped kind (keeps a clone of `client`).
                pub fn client(client: &#k::__private::RestClient) -> #client {
                    #client::new(::core::clone::Clone::clone(client))
                }
            },
            quote! {
                #[automatically_derived]
                #[diagnostic::do_not_recommend]
                impl #k::ClusterResourceClient for #t {
                    type Client = #client;
                    fn client(client: &#k::__private::RestClient) -> #client { Self::client(client) }
                }
            },
        )
    };
    let crd = crd_fn(model);
    out.extend(quote! {
        #[doc = #client_doc]
        #vis struct #client(#k::__private::TypedClient<#t>);

        #[automatically_derived]
        impl ::core::clone::Clone for #client {
            fn clone(&self) -> Self { Self(::core::clone::Clone::clone(&self.0)) }
        }

        #[automatically_derived]
        impl ::core::fmt::Debug for #client {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(::core::stringify!(#client)).field(&self.0).finish()
            }
        }

        #[automatically_derived]
        impl #client {
            #ctor
            /// The REST client requests go through.
            pub fn rest_client(&self) -> &#k::__private::RestClient { self.0.rest_client() }
            #verbs
            #scale
            #stubs
            #custom
        }

        #[automatically_derived]
        impl #t {
            #from_type
        }

        #crd

        #link
    });
    out
}

/// What is emitted when the item itself cannot carry a resource (an enum,
/// generics, no `metadata`): the client types exist, with no methods, so that
/// code naming them reports nothing beyond the derive's own errors.
pub fn stub(model: &ResourceModel) -> TokenStream {
    let vis = &model.vis;
    let client = format_ident!("{}Client", model.ident);
    let all = format_ident!("{}AllNamespacesClient", model.ident);
    quote! {
        /// Placeholder: `#[derive(Resource)]` failed, see its errors.
        #vis struct #client {}
        /// Placeholder: `#[derive(Resource)]` failed, see its errors.
        #vis struct #all {}
    }
}
