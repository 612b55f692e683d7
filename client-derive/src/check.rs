//! Validation: every rule a `#[resource(..)]` or `#[clientset(..)]` must
//! follow, one function per rule, each with the reason it exists (as
//! serde_derive's `check.rs`). Each rule reports spanned errors that say what
//! is allowed; errors accumulate and nothing stops early.
//!
//! The group and version rules, and their wording, are shared by both derives.

use proc_macro2::TokenTree;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{ClientsetAttr, ResourceAttrs, Sp};
use crate::errors::{Errors, unknown_message};
use crate::model::{ClientsetModel, GetterModel, GroupVersionModel, Shape};
use crate::names::{is_kind, is_snake_ident};
use crate::verbs::Verb;
use client_names::{
    CRD_GROUP_NEEDS_A_DOT, is_api_version, is_crd_group, is_dns1035_label, is_dns1123_label,
    is_dns1123_subdomain,
};

const COLUMN_TYPES: &[&str] = &["integer", "number", "string", "boolean", "date"];
const COLUMN_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "date",
    "date-time",
    "password",
];

// ---------------------------------------------------------------------------
// Shared by both derives

/// A group-version is the address of every request, so it is required; the
/// message shows the attribute (`resource` or `clientset`) to write.
fn missing_group(attr: &str) -> String {
    format!(
        "missing `group`: write #[{attr}(group = \"example.com\", version = \"v1\")] \
         (`group = \"\"` is the core group)"
    )
}

/// See [`missing_group`].
fn missing_version(attr: &str) -> String {
    format!("missing `version`: write #[{attr}(version = \"v1\")]")
}

/// A group is a URL segment (`/apis/{group}`) that kube-apiserver only serves
/// as a DNS-1123 subdomain; `""` is the core group. Returns whether it passed.
fn group_form(errors: &mut Errors, g: &Sp<String>) -> bool {
    let ok = g.value.is_empty() || is_dns1123_subdomain(&g.value);
    if !ok {
        errors.at(
            g.span,
            format!(
                "invalid group `{}`: expected a DNS-1123 subdomain (lowercase labels of a-z, 0-9 and `-` \
                 joined by dots, such as `stable.example.com`), or \"\" for the core group",
                g.value
            ),
        );
    }
    ok
}

/// kube-apiserver only serves versions of the form it can sort (`v1`,
/// `v1beta2`, `v2alpha1`). Returns whether it passed.
fn version_form(errors: &mut Errors, v: &Sp<String>) -> bool {
    let ok = is_api_version(&v.value);
    if !ok {
        errors.at(
            v.span,
            format!(
                "invalid version `{}`: expected `v<N>`, `v<N>alpha<M>` or `v<N>beta<M>` \
                 (such as `v1`, `v1beta2`, `v2alpha1`)",
                v.value
            ),
        );
    }
    ok
}

// ---------------------------------------------------------------------------
// #[derive(Resource)]: the item

/// The derive reads named fields (`metadata`, `status`) and names one
/// concrete type in its client and constants.
pub fn item(input: &DeriveInput, shape: &Shape, errors: &mut Errors) {
    struct_with_named_fields(input, errors);
    metadata_field(input, shape, errors);
    no_generics(input, errors);
    no_deny_unknown_fields(input, errors);
}

/// Objects are JSON maps: a tuple or unit struct, an enum or a union has no
/// `metadata` to read.
fn struct_with_named_fields(input: &DeriveInput, errors: &mut Errors) {
    let what = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(_) => return,
            Fields::Unnamed(_) => "a tuple struct",
            Fields::Unit => "a unit struct",
        },
        Data::Enum(_) => "an enum",
        Data::Union(_) => "a union",
    };
    let message = format!(
        "#[derive(Resource)] needs a struct with named fields (`metadata`, `spec`, ...), not {what}"
    );
    match &input.data {
        Data::Enum(e) => errors.spanned(e.enum_token, message),
        Data::Union(u) => errors.spanned(u.union_token, message),
        Data::Struct(_) => errors.spanned(&input.ident, message),
    }
}

/// `Resource::metadata()` returns the `metadata` field.
fn metadata_field(input: &DeriveInput, shape: &Shape, errors: &mut Errors) {
    if shape.named_struct && shape.metadata_ty.is_none() {
        errors.spanned(
            &input.ident,
            format!(
                "`{}` has no `metadata` field: a resource needs `metadata: ObjectMeta`",
                input.ident
            ),
        );
    }
}

/// The generated client and constants name one concrete type.
fn no_generics(input: &DeriveInput, errors: &mut Errors) {
    let generics = &input.generics;
    if !generics.params.is_empty() {
        errors.spanned(
            &generics.params,
            "#[derive(Resource)] does not support generic parameters: a resource is one concrete type \
             (its typed client and its constants name it); declare a struct per kind",
        );
    } else if let Some(w) = &generics.where_clause {
        errors.spanned(w, "#[derive(Resource)] does not support a where clause");
    }
}

/// Objects on the wire carry `apiVersion` and `kind`, which the struct does
/// not hold: denying unknown fields would refuse every object.
fn no_deny_unknown_fields(input: &DeriveInput, errors: &mut Errors) {
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        if let syn::Meta::List(list) = &attr.meta {
            for tt in list.tokens.clone() {
                if let TokenTree::Ident(i) = &tt
                    && i == "deny_unknown_fields"
                {
                    errors.spanned(
                        i,
                        "#[serde(deny_unknown_fields)] cannot be used on a resource: objects on the wire \
                         carry `apiVersion` and `kind`, which the struct does not hold and decoding skips; \
                         remove it",
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// #[derive(Resource)]: the attributes

/// Checks the attribute values and their combinations against the item's shape.
pub fn attrs(input: &DeriveInput, attrs: &ResourceAttrs, shape: &Shape, errors: &mut Errors) {
    group(input, attrs, errors);
    version(input, attrs, errors);
    kind(attrs, errors);
    discovery_names(attrs, errors);
    one_scope(attrs, errors);
    status_field(attrs, shape, errors);
    no_duplicate_verbs(attrs, errors);
    only_or_skip(attrs, errors);
    no_verbs_alone(attrs, errors);
    readonly_reads(attrs, errors);
    status_verbs_need_status(attrs, errors);
    scale_paths(attrs, errors);
    printer_columns(attrs, errors);
    method_names(attrs, errors);
    method_verbs(attrs, errors);
    method_subresources(attrs, errors);
}

/// Every request path names the group (see [`group_form`]); a kind that gets
/// a `crd()` also needs a group kube-apiserver accepts for a CRD.
fn group(input: &DeriveInput, attrs: &ResourceAttrs, errors: &mut Errors) {
    let Some(g) = &attrs.group else {
        errors.spanned(&input.ident, missing_group("resource"));
        return;
    };
    if group_form(errors, g) {
        crd_group(attrs, g, errors);
    }
}

/// kube-apiserver refuses a CRD whose group has no dot ("should be a domain
/// with at least one dot"): the dotless groups (`apps`, `batch`) are the
/// project's own. Built-in kinds in such groups say `no_crd`.
fn crd_group(attrs: &ResourceAttrs, g: &Sp<String>, errors: &mut Errors) {
    if !g.value.is_empty() && attrs.no_crd.is_none() && !is_crd_group(&g.value) {
        errors.at(
            g.span,
            format!(
                "group `{}` cannot serve a CustomResourceDefinition: kube-apiserver refuses a CRD \
                 whose group has no dot (\"{CRD_GROUP_NEEDS_A_DOT}\"); use a domain you own, such as \
                 `{}.example.com`, or add `no_crd` for a built-in group such as `apps`",
                g.value, g.value
            ),
        );
    }
}

/// Every request path names the version (see [`version_form`]).
fn version(input: &DeriveInput, attrs: &ResourceAttrs, errors: &mut Errors) {
    match &attrs.version {
        None => errors.spanned(&input.ident, missing_version("resource")),
        Some(v) => {
            version_form(errors, v);
        }
    }
}

/// The kind is written into every object's `kind` and matched on decode.
fn kind(attrs: &ResourceAttrs, errors: &mut Errors) {
    if let Some(k) = &attrs.kind
        && !is_kind(&k.value)
    {
        errors.at(
            k.span,
            format!(
                "invalid kind `{}`: expected a CamelCase name of ASCII letters and digits (such as `CronTab`)",
                k.value
            ),
        );
    }
}

/// kube-apiserver accepts plurals, singulars, short names and categories only
/// as DNS-1035 labels (the plural is a URL segment).
fn discovery_names(attrs: &ResourceAttrs, errors: &mut Errors) {
    let mut check = |what: &str, v: &Sp<String>| {
        if !is_dns1035_label(&v.value) {
            errors.at(
                v.span,
                format!(
                    "invalid {what} `{}`: expected a lowercase DNS-1035 label (a-z, 0-9 and `-`, \
                     starting with a letter, ending with a letter or digit, at most 63 characters)",
                    v.value
                ),
            );
        }
    };
    if let Some(p) = &attrs.plural {
        check("plural", p);
    }
    if let Some(s) = &attrs.singular {
        check("singular", s);
    }
    for list in [&attrs.short_names, &attrs.categories]
        .into_iter()
        .flatten()
    {
        for s in &list.value {
            check("name", s);
        }
    }
}

/// A kind is served either under namespaces or at the cluster level.
fn one_scope(attrs: &ResourceAttrs, errors: &mut Errors) {
    if let (Some(c), Some(_)) = (attrs.cluster, attrs.namespaced) {
        errors.at(
            c,
            "`cluster` and `namespaced` exclude each other: a kind has one scope (namespaced is the default)",
        );
    }
}

/// The status subresource reads and writes a `status` field.
fn status_field(attrs: &ResourceAttrs, shape: &Shape, errors: &mut Errors) {
    if let Some(s) = attrs.status
        && shape.named_struct
        && !shape.has_status_field
    {
        errors.at(
            s,
            "`status` needs a `status` field on the struct (the status subresource reads and writes it)",
        );
    }
}

/// A verb listed twice is a slip that hides what the list means.
fn no_duplicate_verbs(attrs: &ResourceAttrs, errors: &mut Errors) {
    for list in [&attrs.only_verbs, &attrs.skip_verbs].into_iter().flatten() {
        let mut seen: Vec<Verb> = Vec::new();
        for v in &list.value {
            if seen.contains(&v.value) {
                errors.at(v.span, format!("duplicate verb `{}`", v.value.name()));
            }
            seen.push(v.value);
        }
    }
}

/// One list says which verbs exist; two would have to be reconciled.
fn only_or_skip(attrs: &ResourceAttrs, errors: &mut Errors) {
    if let (Some(_), Some(skip)) = (&attrs.only_verbs, &attrs.skip_verbs) {
        errors.at(
            skip.span,
            "`only_verbs` and `skip_verbs` exclude each other: list the verbs to keep in `only_verbs`, \
             or the ones to remove in `skip_verbs`",
        );
    }
}

/// `no_verbs` already removes every verb: another verb rule beside it is a
/// contradiction or noise.
fn no_verbs_alone(attrs: &ResourceAttrs, errors: &mut Errors) {
    let Some(nv) = attrs.no_verbs else { return };
    for (present, name) in [
        (attrs.only_verbs.is_some(), "only_verbs"),
        (attrs.skip_verbs.is_some(), "skip_verbs"),
        (attrs.readonly.is_some(), "readonly"),
    ] {
        if present {
            errors.at(
                nv,
                format!(
                    "`no_verbs` removes every standard verb: it cannot be combined with `{name}`"
                ),
            );
        }
    }
}

/// `readonly` promises a client that cannot write.
fn readonly_reads(attrs: &ResourceAttrs, errors: &mut Errors) {
    let (Some(_), Some(only)) = (attrs.readonly, &attrs.only_verbs) else {
        return;
    };
    for v in only.value.iter().filter(|v| !v.value.is_read()) {
        errors.at(
            v.span,
            format!(
                "`readonly` allows only `get`, `list` and `watch`; `{}` is a write verb",
                v.value.name()
            ),
        );
    }
}

/// A `*_status` verb talks to the status subresource, which only `status` declares.
fn status_verbs_need_status(attrs: &ResourceAttrs, errors: &mut Errors) {
    let (None, Some(only)) = (attrs.status, &attrs.only_verbs) else {
        return;
    };
    for v in only.value.iter().filter(|v| v.value.needs_status()) {
        errors.at(
            v.span,
            format!(
                "`{}` needs `status` (the kind has no status subresource)",
                v.value.name()
            ),
        );
    }
}

/// The scale subresource maps replicas to JSON paths in the object, which
/// kube-apiserver requires under `.spec.` and `.status.`.
fn scale_paths(attrs: &ResourceAttrs, errors: &mut Errors) {
    let Some(scale) = &attrs.scale else { return };
    let s = &scale.value;
    for (value, key, prefix, required) in [
        (&s.spec_replicas_path, "spec_replicas_path", ".spec.", true),
        (
            &s.status_replicas_path,
            "status_replicas_path",
            ".status.",
            true,
        ),
        (
            &s.label_selector_path,
            "label_selector_path",
            ".status.",
            false,
        ),
    ] {
        match value {
            None if required => errors.at(
                scale.span,
                format!("`scale` needs `{key}` (a JSON path under `{prefix}`)"),
            ),
            None => {}
            Some(p) => {
                let ok = if key == "label_selector_path" {
                    is_json_path(&p.value)
                        && (p.value.starts_with(".status.") || p.value.starts_with(".spec."))
                } else {
                    is_json_path(&p.value) && p.value.starts_with(prefix)
                };
                if !ok {
                    errors.at(
                        p.span,
                        format!(
                            "invalid `{key}` `{}`: expected a JSON path such as `{prefix}replicas`",
                            p.value
                        ),
                    );
                }
            }
        }
    }
}

/// A printer column becomes an `additionalPrinterColumns` entry of `crd()`,
/// whose fields kube-apiserver validates.
fn printer_columns(attrs: &ResourceAttrs, errors: &mut Errors) {
    for c in &attrs.printer_columns {
        for (v, key) in [
            (&c.name, "name"),
            (&c.ty, "type"),
            (&c.json_path, "json_path"),
        ] {
            if v.is_none() {
                errors.at(c.span, format!("`printer_column` needs `{key}`"));
            }
        }
        if let Some(t) = &c.ty
            && !COLUMN_TYPES.contains(&t.value.as_str())
        {
            errors.at(
                t.span,
                unknown_message("column type", &t.value, COLUMN_TYPES),
            );
        }
        if let Some(f) = &c.format
            && !COLUMN_FORMATS.contains(&f.value.as_str())
        {
            errors.at(
                f.span,
                unknown_message("column format", &f.value, COLUMN_FORMATS),
            );
        }
        if let Some(p) = &c.json_path
            && !is_json_path(&p.value)
        {
            errors.at(
                p.span,
                format!(
                    "invalid `json_path` `{}`: expected a path such as `.spec.cronSpec`",
                    p.value
                ),
            );
        }
        if let Some(p) = &c.priority
            && p.value < 0
        {
            errors.at(
                p.span,
                "`priority` must be 0 (shown by default) or more (wide output only)",
            );
        }
    }
}

fn is_json_path(p: &str) -> bool {
    p.len() > 1
        && p.starts_with('.')
        && !p.ends_with('.')
        && !p.contains("..")
        && !p.contains(char::is_whitespace)
}

/// Names a custom method may not take: the client's own methods.
fn reserved(name: &str) -> bool {
    Verb::from_name(name).is_some()
        || [
            "new",
            "list_pages",
            "rest_client",
            "namespace",
            "get_scale",
            "update_scale",
            "patch_scale",
        ]
        .contains(&name)
}

/// A custom method becomes a Rust method of the client: its name must be a
/// snake_case identifier that no other method of the client has.
fn method_names(attrs: &ResourceAttrs, errors: &mut Errors) {
    let mut names: Vec<&str> = Vec::new();
    let scale = attrs.scale.is_some();
    for m in &attrs.methods {
        match &m.name {
            None => errors.at(m.span, "`method` needs `name = \"...\"` (the Rust method name, such as \"get_scale\")"),
            Some(n) if !is_snake_ident(&n.value) => errors.at(
                n.span,
                format!("invalid method name `{}`: expected a snake_case identifier", n.value),
            ),
            Some(n) if names.contains(&n.value.as_str()) => {
                errors.at(n.span, format!("duplicate method `{}`", n.value))
            }
            Some(n) if reserved(&n.value) && !(scale && n.value.ends_with("_scale")) => errors.at(
                n.span,
                format!(
                    "method name `{}` is taken by the client's own methods; choose another name",
                    n.value
                ),
            ),
            Some(n) if reserved(&n.value) => errors.at(
                n.span,
                format!(
                    "method name `{}` is already generated by `scale(..)`; choose another name or drop one",
                    n.value
                ),
            ),
            Some(n) => names.push(&n.value),
        }
    }
}

/// The core sends a custom method as one of four subresource calls, and only
/// `create` and `update` send a body of a type of their own.
fn method_verbs(attrs: &ResourceAttrs, errors: &mut Errors) {
    for m in &attrs.methods {
        match &m.verb {
            None => errors.at(
                m.span,
                "`method` needs `verb = \"...\"` (one of `get`, `create`, `update`, `patch`)",
            ),
            // an unknown word, already reported where it was parsed
            Some(Sp { value: None, .. }) => {}
            Some(Sp {
                value: Some(v),
                span,
            }) if !v.takes_input() && m.input.is_some() => {
                let input = m.input.as_ref().map_or(*span, Spanned::span);
                errors.at(
                    input,
                    format!(
                        "a `{}` method takes no `input` (only `create` and `update` send a body of their own type)",
                        v.name()
                    ),
                );
            }
            Some(_) => {}
        }
    }
}

/// The subresource is one segment of the request path.
fn method_subresources(attrs: &ResourceAttrs, errors: &mut Errors) {
    for m in &attrs.methods {
        match &m.subresource {
            None => errors.at(
                m.span,
                "`method` needs `subresource = \"...\"` (such as \"scale\")",
            ),
            Some(s) if !is_dns1123_label(&s.value) => errors.at(
                s.span,
                format!(
                    "invalid subresource `{}`: expected a lowercase path segment such as `scale`",
                    s.value
                ),
            ),
            Some(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// #[derive(Clientset)]

/// Checks a Clientset and returns the part of its model that can be
/// generated: group-versions and getters with an error are left out, so one
/// mistake gives one error rather than a cascade.
pub fn clientset(
    input: &DeriveInput,
    attrs: &[ClientsetAttr],
    mut model: ClientsetModel,
    errors: &mut Errors,
) -> ClientsetModel {
    clientset_item(input, &model, errors);
    clientset_not_empty(input, attrs, errors);
    one_crate(attrs, errors);
    clientset_group_versions_given(attrs, errors);
    let mut accepted: Vec<GroupVersionModel> = Vec::new();
    for mut gv in std::mem::take(&mut model.group_versions) {
        let group_ok = group_form(errors, &gv.group);
        let version_ok = version_form(errors, &gv.version);
        let name_ok = accessor_name(&gv, errors);
        if !(group_ok && version_ok && name_ok && accessor_unique(&gv, &accepted, errors)) {
            continue;
        }
        gv.getters = getters(std::mem::take(&mut gv.getters), errors);
        if syn::parse_str::<syn::Ident>(&gv.accessor.value).is_err() {
            errors.at(
                gv.accessor.span,
                format!("`{}` is not an identifier", gv.accessor.value),
            );
            continue;
        }
        accepted.push(gv);
    }
    model.group_versions = accepted;
    model
}

/// The derive cannot add fields: the REST client must be the struct's one field.
fn clientset_item(input: &DeriveInput, model: &ClientsetModel, errors: &mut Errors) {
    if model.field_ty.is_none() {
        errors.spanned(
            &input.ident,
            "#[derive(Clientset)] needs a tuple struct holding the REST client: `pub struct Clientset(RestClient);`",
        );
    }
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics.params,
            "#[derive(Clientset)] does not support generic parameters",
        );
    }
}

/// A Clientset with no group-version has nothing to offer (reported only when
/// nothing else is wrong, since an attribute that failed to parse is not listed).
fn clientset_not_empty(input: &DeriveInput, attrs: &[ClientsetAttr], errors: &mut Errors) {
    if attrs.is_empty() && errors.is_empty() {
        errors.spanned(
            &input.ident,
            "#[derive(Clientset)] needs at least one #[clientset(group = \"..\", version = \"..\", resources(..))]",
        );
    }
}

/// Every generated getter goes through one runtime crate.
fn one_crate(attrs: &[ClientsetAttr], errors: &mut Errors) {
    let mut seen = false;
    for c in attrs.iter().filter_map(|a| a.krate.as_ref()) {
        if seen {
            errors.at(c.span, "duplicate `crate`: give it once");
        }
        seen = true;
    }
}

/// Each `#[clientset(..)]` is one group-version: both are required.
fn clientset_group_versions_given(attrs: &[ClientsetAttr], errors: &mut Errors) {
    for a in attrs {
        if a.group.is_none() {
            errors.at(a.span, missing_group("clientset"));
        } else if a.version.is_none() {
            errors.at(a.span, missing_version("clientset"));
        }
    }
}

/// `name = ".."` becomes a Rust method name.
fn accessor_name(gv: &GroupVersionModel, errors: &mut Errors) -> bool {
    let ok = !gv.named || is_snake_ident(&gv.accessor.value);
    if !ok {
        errors.at(
            gv.accessor.span,
            format!(
                "invalid name `{}`: expected a snake_case identifier",
                gv.accessor.value
            ),
        );
    }
    ok
}

/// Two group-versions cannot share an accessor method.
fn accessor_unique(
    gv: &GroupVersionModel,
    accepted: &[GroupVersionModel],
    errors: &mut Errors,
) -> bool {
    let Some(prev) = accepted
        .iter()
        .find(|p| p.accessor.value == gv.accessor.value)
    else {
        return true;
    };
    let (group, version) = (&gv.group.value, &gv.version.value);
    let msg = if prev.group.value == *group && prev.version.value == *version {
        format!(
            "`{group}/{version}` is already listed: put all its resources in one #[clientset(..)]"
        )
    } else {
        format!(
            "groups `{}` and `{group}` would both be reached through `{}()`: \
             give this one another accessor with `name = \"...\"`",
            prev.group.value, gv.accessor.value
        )
    };
    errors.at(gv.accessor.span, msg);
    false
}

/// A getter is named after the plural, so the plural must be a Rust
/// identifier, and unique within its group-version (with `_all` for
/// namespaced kinds).
fn getters(all: Vec<GetterModel>, errors: &mut Errors) -> Vec<GetterModel> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for g in all {
        let plural = &g.plural.value;
        if !is_dns1035_label(plural) || plural.contains('-') {
            errors.at(
                g.plural.span,
                format!(
                    "`{plural}` cannot name a getter: write the resource's plural as `{} = \"plural\"` \
                     (lowercase letters and digits)",
                    g.type_name()
                ),
            );
            continue;
        }
        let getter = &g.getter.value;
        let names = if g.namespaced {
            vec![getter.clone(), format!("{getter}_all")]
        } else {
            vec![getter.clone()]
        };
        if let Some(clash) = names.iter().find(|n| taken.contains(n)) {
            errors.at(
                g.getter.span,
                format!("two getters would be named `{clash}` in this group-version"),
            );
            continue;
        }
        taken.extend(names);
        out.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::parse_resource_attrs;

    fn errors_of(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let input: DeriveInput = syn::parse2(tokens).expect("test input parses");
        let mut errors = Errors::default();
        let a = parse_resource_attrs(&input.attrs, &mut errors);
        let shape = Shape::of(&input);
        item(&input, &shape, &mut errors);
        attrs(&input, &a, &shape, &mut errors);
        errors.messages()
    }

    fn one(tokens: proc_macro2::TokenStream, needle: &str) {
        let errs = errors_of(tokens);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains(needle), "{errs:?} lacks {needle}");
    }

    #[test]
    fn accepts_a_full_resource() {
        let errs = errors_of(quote::quote! {
            #[resource(group = "stable.example.com", version = "v1beta1", kind = "CronTab",
                plural = "crontabs", singular = "crontab", short_names("ct"), categories("all"),
                namespaced, status, scale(spec_replicas_path = ".spec.replicas",
                status_replicas_path = ".status.replicas", label_selector_path = ".status.selector"),
                printer_column(name = "Spec", type = "string", json_path = ".spec.cronSpec"),
                skip_verbs(watch), method(name = "evict", verb = "create", subresource = "eviction", input = "Eviction"))]
            struct CronTab { metadata: ObjectMeta, status: Option<S> }
        });
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn rules() {
        one(
            quote::quote!(
                #[resource(group = "Ex.com", version = "v1")]
                struct X {
                    metadata: M,
                }
            ),
            "invalid group",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "1")]
                struct X {
                    metadata: M,
                }
            ),
            "invalid version",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", plural = "Xs")]
                struct X {
                    metadata: M,
                }
            ),
            "DNS-1035",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", status)]
                struct X {
                    metadata: M,
                }
            ),
            "needs a `status` field",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1")]
                struct X {
                    spec: M,
                }
            ),
            "no `metadata` field",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1")]
                struct X(M);
            ),
            "not a tuple struct",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1")]
                enum X {
                    A,
                }
            ),
            "not an enum",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1")]
                struct X<T> {
                    metadata: T,
                }
            ),
            "generic",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", cluster, namespaced)]
                struct X {
                    metadata: M,
                }
            ),
            "exclude each other",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", only_verbs(get), skip_verbs(list))]
                struct X {
                    metadata: M,
                }
            ),
            "exclude each other",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", readonly, only_verbs(get, create))]
                struct X {
                    metadata: M,
                }
            ),
            "`create` is a write verb",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", no_verbs, skip_verbs(get))]
                struct X {
                    metadata: M,
                }
            ),
            "cannot be combined with `skip_verbs`",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", only_verbs(gte))]
                struct X {
                    metadata: M,
                }
            ),
            "did you mean `get`?",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1", only_verbs(update_status))]
                struct X {
                    metadata: M,
                }
            ),
            "needs `status`",
        );
        one(
            quote::quote!(
                #[resource(group = "", version = "v1")]
                #[serde(rename_all = "camelCase", deny_unknown_fields)]
                struct X {
                    metadata: M,
                }
            ),
            "apiVersion",
        );
        one(
            quote::quote!(
                #[resource(version = "v1")]
                struct X {
                    metadata: M,
                }
            ),
            "missing `group`",
        );
        one(
            quote::quote!(
                #[resource(
                    group = "",
                    version = "v1",
                    scale(spec_replicas_path = ".spec.replicas")
                )]
                struct X {
                    metadata: M,
                }
            ),
            "needs `status_replicas_path`",
        );
        one(
            quote::quote!(
                #[resource(
                    group = "",
                    version = "v1",
                    method(name = "get", verb = "get", subresource = "x")
                )]
                struct X {
                    metadata: M,
                }
            ),
            "taken by the client",
        );
        one(
            quote::quote!(
                #[resource(
                    group = "",
                    version = "v1",
                    method(name = "x", verb = "gett", subresource = "x")
                )]
                struct X {
                    metadata: M,
                }
            ),
            "did you mean `get`?",
        );
        one(
            quote::quote!(
                #[resource(
                    group = "",
                    version = "v1",
                    printer_column(name = "A", type = "str", json_path = ".a")
                )]
                struct X {
                    metadata: M,
                }
            ),
            "did you mean `string`?",
        );
    }

    #[test]
    fn crd_groups_need_a_dot() {
        one(
            quote::quote!(
                #[resource(group = "widgets", version = "v1")]
                struct X {
                    metadata: M,
                }
            ),
            "should be a domain with at least one dot",
        );
        for ok in [
            quote::quote!(
                #[resource(group = "apps", version = "v1", no_crd)]
                struct X {
                    metadata: M,
                }
            ),
            quote::quote!(
                #[resource(group = "", version = "v1")]
                struct X {
                    metadata: M,
                }
            ),
        ] {
            let errs = errors_of(ok);
            assert!(errs.is_empty(), "{errs:?}");
        }
    }

    #[test]
    fn a_subdomain_label_may_be_longer_than_63() {
        // apimachinery limits a subdomain to 253 characters in all, not per label.
        let group = format!("{}.example.com", "a".repeat(64));
        let errs = errors_of(quote::quote!(
            #[resource(group = #group, version = "v1")]
            struct X {
                metadata: M,
            }
        ));
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn errors_accumulate() {
        let errs = errors_of(quote::quote! {
            #[resource(group = "Bad", version = "1", plural = "Xs", cluster, namespaced)]
            struct X { spec: M }
        });
        assert_eq!(errs.len(), 5, "{errs:?}");
    }
}
