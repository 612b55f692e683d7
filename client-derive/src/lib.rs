//! Derive macros for typed Kubernetes resources and Clientsets: client-gen's
//! `+genclient` tags as attributes, checked at compile time, with no generator step.
//!
//! The runtime crate, `client-core`, re-exports both derives; see its
//! documentation for the attribute reference and examples. Internally the
//! crate is layered like serde_derive, for both derives: `attr` parses
//! attributes into typed values with spans (verbs are `verbs::Verb`s, so an
//! unknown one is reported there), `model` applies defaults, `check`
//! validates with one function per rule, and the `expand_*` modules generate
//! code from the model only. Errors accumulate in `errors::Errors` so a user
//! sees every mistake at once. Kubernetes' naming rules come from the
//! `client-names` crate, which `client-core` and the test server share.

#![cfg_attr(test, allow(clippy::expect_used, clippy::unwrap_used))]

mod attr;
mod check;
mod crd;
mod errors;
mod expand_clientset;
mod expand_resource;
mod model;
mod names;
mod verbs;

use proc_macro::TokenStream;
use syn::DeriveInput;

/// Derives `client_core::Resource` for a Kubernetes kind, with a typed client
/// that has exactly the verbs the kind allows (client-gen's `+genclient`, with
/// no generator step).
///
/// ```ignore
/// use client_core::{ObjectMeta, Resource, RestClient};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
/// #[resource(group = "stable.example.com", version = "v1", short_names("ct"), status)]
/// pub struct CronTab {
///     pub metadata: ObjectMeta,
///     pub spec: CronTabSpec,
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     pub status: Option<CronTabStatus>,
/// }
///
/// # async fn demo(rest: &RestClient) -> client_core::Result<()> {
/// let crontabs = CronTab::client(rest, "default");      // CronTabClient
/// let one = crontabs.get("a", &Default::default()).await?;
/// let all = CronTab::all_namespaces(rest).list(&Default::default()).await?;
/// let manifest = CronTab::crd();                        // CustomResourceDefinition
/// # Ok(()) }
/// ```
///
/// (Every example here is compiled by the `tests` crate's trybuild suite,
/// `tests/ui/pass`.)
///
/// # Attributes: `#[resource(...)]` (may be split over several attributes)
///
/// | key | meaning | default |
/// |---|---|---|
/// | `group = ".."` | API group, a DNS-1123 subdomain; `""` is the core group (`/api/v1`); a group that gets a `crd()` needs a dot (kube-apiserver refuses a CRD in `widgets`) | required |
/// | `version = ".."` | `v1`, `v1beta2`, `v2alpha1`, ... | required |
/// | `kind = ".."` | CamelCase kind | the struct's name |
/// | `plural = ".."` | URL plural, a lowercase DNS-1035 label | client-gen's pluralisation of the kind |
/// | `singular = ".."` | lowercase DNS-1035 label | the lowercase kind |
/// | `short_names("ct", ..)`, `categories("all", ..)` | discovery and CRD names | none |
/// | `namespaced` / `cluster` | scope (`+genclient:nonNamespaced`) | namespaced |
/// | `status` | status subresource: `HasStatus`, `update_status`, `patch_status`, `apply_status`; needs a `status` field | off (`+genclient:noStatus`) |
/// | `scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas", label_selector_path = ".status.selector")` | scale subresource: `HasScale`, `get_scale`, `update_scale`, `patch_scale` (with `get`, `update`, `patch` allowed) | off |
/// | `printer_column(name = "..", type = "string", json_path = ".spec.x", priority = 0, description = "..", format = "..")` | one `additionalPrinterColumns` entry of `crd()`; repeatable | none |
/// | `readonly` | only `get`, `list`, `watch` (`+genclient:readonly`) | |
/// | `only_verbs(create, get)` | only these verbs (`+genclient:onlyVerbs`) | |
/// | `skip_verbs(watch)` | all verbs but these (`+genclient:skipVerbs`) | |
/// | `no_verbs` | no standard verb; constructors and `method`s remain (`+genclient:noVerbs`) | |
/// | `method(name = "get_logs", verb = "get", subresource = "log", input = "Type", result = "Type")` | a typed subresource method; `verb` is `get`, `create`, `update` or `patch`; `input` (create/update only) and `result` default to the kind; types as strings or bare paths, resolved where the struct is; repeatable | |
/// | `no_crd` | no `crd()` (built-in kinds; the core group never has one) | |
/// | `schema` | `crd()` carries the structural schema generated from the type's `schemars::JsonSchema` (client-core's `schemars` feature); `crd()` and `crd_yaml()` return `Result` | permissive schema |
/// | `validation(rule = "..", message = "..", message_expression = "..", reason = "FieldValueInvalid", field_path = ".spec.x")` | a root `x-kubernetes-validations` CEL rule; needs `schema`; repeatable (field rules: `#[schemars(extend("x-kubernetes-validations" = [..]))]`) | none |
/// | `versions(CronTabV1alpha1, ..)` | one CRD from several types, one per version, listed on the storage version's type; group, kind and plural must match | one version |
/// | `storage` | this version is the storage version (exactly one with `versions(..)`) | a lone version is |
/// | `served = false`, `deprecated`, `deprecation_warning = ".."` | the version entry's flags | served, not deprecated |
/// | `crate = "path"` | where generated code finds `client_core` (a renamed dependency, or `crate` inside client-core) | `::client_core` |
///
/// The verbs: `create`, `get`, `list` (with `list_pages`), `watch`, `update`,
/// `update_status`, `patch`, `patch_status`, `apply`, `apply_status`,
/// `delete`, `delete_collection`. A verb that `only_verbs`, `skip_verbs` or
/// `no_verbs` removes does not exist. A method that `readonly`, a missing
/// `status` or a missing `scale(..)` removes is a hidden stand-in bound on
/// `Writable`, `HasStatus` or `HasScale`, which the kind does not implement:
/// calling it is one compile error that says why and what to write instead
/// ("`AuditRecord` is `readonly`: ...; remove `readonly` ... or send the
/// write through a `DynamicClient`").
///
/// Compile errors, each on the offending token: unknown keys and verbs (with
/// the closest valid one suggested), duplicate keys, malformed group, version,
/// a group without a dot on a kind that gets a `crd()` (add `no_crd` for
/// built-in groups such as `apps`),
/// kind, plural, singular, short names, categories, scale paths and printer
/// columns; `cluster` with `namespaced`, `only_verbs` with `skip_verbs`,
/// `no_verbs` with `readonly`/`only_verbs`/`skip_verbs`, `readonly` with a
/// write verb, a `*_status` verb or `status` without a `status` field; a
/// tuple or unit struct, an enum or union, generic parameters, a missing
/// `metadata` field or one that is neither client-core's `ObjectMeta` nor
/// k8s-openapi's (any `ObjectMetaAccess` type; it becomes `Resource::Meta`); and
/// `#[serde(deny_unknown_fields)]` (the wire carries `apiVersion` and
/// `kind`, which the struct does not hold); `validation(..)` without
/// `schema`, an unknown `reason`, a `field_path` not starting with `.`, a
/// tuple field of a `schema` resource (no structural form), and with
/// `versions(..)` not exactly one `storage` version or a listed type of
/// another group, kind or plural. On an error the derive still
/// emits the client types, so one mistake gives one error.
///
/// # Generated items, for `struct CronTab`
///
/// - `impl Resource for CronTab` (constants `GROUP`, `VERSION`,
///   `API_VERSION`, `KIND`, `PLURAL`, `SINGULAR`, `SHORT_NAMES`,
///   `CATEGORIES`, `type Scope`), `HasStatus` / `HasScale` when declared,
///   and `Writable` unless `readonly`;
/// - `CronTabClient`: `new(client, namespace)` (cluster kinds: `new(client)`),
///   `namespace()`, `rest_client()` and one forwarding method per allowed verb
///   and per `method(..)`;
/// - for namespaced kinds, `CronTabAllNamespacesClient`: `new(client)`,
///   `list`, `list_pages`, `watch` (those allowed);
/// - `CronTab::client(&rest, "ns")` (cluster kinds: `CronTab::client(&rest)`),
///   `CronTab::all_namespaces(&rest)`, `CronTab::crd()` and
///   `CronTab::crd_yaml()` (the manifest with `apiVersion` and `kind`), and
///   the `CrdVersion` impl that `versions(..)` reads (see
///   `docs/crd-schemas.md` for the schema attributes and controller-gen's
///   markers);
/// - `NamespacedResourceClient` / `ClusterResourceClient`, which link the
///   kind to its client types for generic code and for `#[derive(Clientset)]`.
#[proc_macro_derive(Resource, attributes(resource))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    resource(&input).into()
}

/// Derives a Clientset: one accessor per group-version and one getter per
/// resource, on a tuple struct that holds the `RestClient` (a derive cannot
/// add fields).
///
/// ```ignore
/// #[derive(client_core::Clientset)]
/// #[clientset(group = "stable.example.com", version = "v1", resources(CronTab, Widget))]
/// #[clientset(api_version = "infra.example.com/v1", cluster_resources(Cluster))]
/// pub struct Clientset(RestClient);
///
/// let cs = Clientset::new(rest);
/// let crontabs = cs.stable_v1().crontabs("default");   // CronTabClient
/// let every_ns = cs.stable_v1().crontabs_all();        // list and watch only
/// let clusters = cs.infra_v1().clusters();             // cluster-scoped: no namespace
/// ```
///
/// # Attributes: `#[clientset(...)]`, one per group-version
///
/// | key | meaning |
/// |---|---|
/// | `group = "..", version = ".."` or `api_version = "group/version"` | the group-version (`""` / `"v1"` for the core group) |
/// | `resources(CronTab, Policy = "policies")` | namespaced kinds; `= ".."` gives the plural when it is not the default pluralisation of the type's name |
/// | `cluster_resources(Cluster)` | cluster-scoped kinds |
/// | `name = ".."` | the accessor's name, when the default clashes |
/// | `crate = "path"` | where generated code finds `client_core` (once, on any attribute) |
/// | `snake_case_getters` | getters split the kind into words as client-go's method names do (`ClusterRole` -> `cluster_roles`, `APIService` -> `api_services`) instead of the plural (`clusterroles`); a written `Type = "plural"` is used as it is; once, on any attribute, for every group-version; used by the k8s-openapi clientset |
///
/// Names: the accessor is the group's first DNS label (`-` as `_`) and the
/// version (`stable_v1`, `cert_manager_v1`, `core_v1`); two groups with the
/// same first label are a compile error asking for `name`. Each accessor
/// returns a generated `StableV1Client` (from the accessor's name) whose
/// getters are the plurals: `crontabs(namespace)` and `crontabs_all()` for
/// namespaced kinds, `clusters()` for cluster-scoped ones.
///
/// What the clientset assumes about a resource is checked at compile time
/// against the resource's own constants: its group, version and plural (const
/// assertions whose message names the mismatch), and its scope (a kind listed
/// in the wrong list fails with "`Cluster` is not a namespaced resource with a
/// derived client").
///
/// Also generated: `Clientset::new(client)`, `Clientset::from_config(config)`
/// and `rest_client()`.
///
/// Note: clippy's `duplicated_attributes` lint misfires on helper attributes
/// that repeat a `key = value` pair (rust-clippy issues 12923, 13238);
/// `api_version = ".."` avoids repeating `version = "v1"` across clientset
/// attributes.
#[proc_macro_derive(Clientset, attributes(clientset))]
pub fn derive_clientset(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    clientset(&input).into()
}

/// `#[derive(Clientset)]` through the layers: attributes, model, checks (which
/// keep only what can be generated), expansion.
fn clientset(input: &DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = errors::Errors::default();
    let attrs = attr::parse_clientset_attrs(&input.attrs, &mut errors);
    let model = model::clientset(input, &attrs);
    let model = check::clientset(input, &attrs, model, &mut errors);
    expand_clientset::expand(
        &model,
        errors.to_compile_errors(),
        !input.generics.params.is_empty(),
    )
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
    crd::check(input, &attrs.crd, attrs.no_crd, &mut errors);
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

    /// The signature of the method `name` in `out` (up to its body), if any.
    fn signature<'a>(out: &'a str, name: &str) -> Option<&'a str> {
        let at = out.find(&format!("pub fn {name} "))?;
        let before = &out[..at];
        let attrs_start = before.rfind("} ").or_else(|| before.rfind("; "))?;
        let end = at + out[at..].find('{')?;
        Some(&out[attrs_start..end])
    }

    #[test]
    fn verbs_follow_the_attributes() {
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1", readonly, skip_verbs(watch))]
            struct Thing { metadata: M }
        });
        assert!(out.contains("pub fn get"), "{out}");
        assert!(out.contains("pub fn list"), "{out}");
        // A verb the rules remove does not exist; a write that `readonly`
        // removes exists only as a hidden stand-in that can never be called.
        assert!(!out.contains("pub fn watch"), "{out}");
        for gated in ["create", "update", "delete", "patch", "apply"] {
            let sig = signature(&out, gated).unwrap_or_else(|| panic!("{gated} in {out}"));
            assert!(sig.contains("# [doc (hidden)]"), "{sig}");
            assert!(
                sig.contains("where for < '__gate > Thing : :: client_core :: Writable"),
                "{sig}"
            );
        }
        assert!(
            !out.contains("impl :: client_core :: Writable for Thing"),
            "{out}"
        );
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1")]
            struct Thing { metadata: M, status: S }
        });
        assert!(out.contains("pub fn create") && out.contains("pub fn delete_collection"));
        for ungated in ["create", "delete_collection"] {
            let sig = signature(&out, ungated).unwrap_or_else(|| panic!("{ungated} in {out}"));
            assert!(!sig.contains("where"), "{sig}");
        }
        // No `status`: the status verbs are stand-ins bound on `HasStatus`.
        for gated in ["update_status", "patch_status", "apply_status"] {
            let sig = signature(&out, gated).unwrap_or_else(|| panic!("{gated} in {out}"));
            assert!(sig.contains("# [doc (hidden)]"), "{sig}");
            assert!(
                sig.contains("where for < '__gate > Thing : :: client_core :: HasStatus"),
                "no `status`, no status verbs: {sig}"
            );
        }
        assert!(!out.contains("impl :: client_core :: HasStatus"), "{out}");
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn verb_rules_remove_methods_without_a_stand_in() {
        let out = expand(quote::quote! {
            #[resource(group = "a.io", version = "v1", only_verbs(get))]
            struct Thing { metadata: M }
        });
        for absent in ["update_status", "create", "update_scale"] {
            assert!(
                !out.contains(&format!("pub fn {absent} ")),
                "{absent} in {out}"
            );
        }
        // `get` is allowed, so `get_scale` explains the missing `scale(..)`.
        let sig = signature(&out, "get_scale").unwrap_or_else(|| panic!("{out}"));
        assert!(sig.contains(":: client_core :: HasScale"), "{sig}");
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
