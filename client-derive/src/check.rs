//! Validation: every rule a `#[resource(..)]` must follow, each reported as a
//! spanned error that says what is allowed. Errors accumulate; nothing stops early.

use proc_macro2::TokenTree;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{METHOD_VERBS, READ_VERBS, ResourceAttrs, Sp, VERBS};
use crate::errors::{Errors, unknown_message};
use crate::model::Shape;
use crate::names::{is_kind, is_snake_ident};
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

/// Checks that the item is a plain struct with named fields, no generics and a `metadata` field.
pub fn item(input: &DeriveInput, shape: &Shape, errors: &mut Errors) {
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(_) => {}
            Fields::Unnamed(_) => errors.spanned(
                &input.ident,
                "#[derive(Resource)] needs a struct with named fields (`metadata`, `spec`, ...), not a tuple struct",
            ),
            Fields::Unit => errors.spanned(
                &input.ident,
                "#[derive(Resource)] needs a struct with named fields (`metadata`, `spec`, ...), not a unit struct",
            ),
        },
        Data::Enum(e) => errors.spanned(
            e.enum_token,
            "#[derive(Resource)] needs a struct with named fields (`metadata`, `spec`, ...), not an enum",
        ),
        Data::Union(u) => errors.spanned(
            u.union_token,
            "#[derive(Resource)] needs a struct with named fields (`metadata`, `spec`, ...), not a union",
        ),
    }
    if shape.named_struct && shape.metadata_ty.is_none() {
        errors.spanned(
            &input.ident,
            format!(
                "`{}` has no `metadata` field: a resource needs `metadata: ObjectMeta`",
                input.ident
            ),
        );
    }
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

/// Why a dotless group cannot carry a generated `crd()`.
fn crd_group_message(group: &str) -> String {
    format!(
        "group `{group}` cannot serve a CustomResourceDefinition: kube-apiserver refuses a CRD \
         whose group has no dot (\"{CRD_GROUP_NEEDS_A_DOT}\"); use a domain you own, such as \
         `{group}.example.com`, or add `no_crd` for a built-in group such as `apps`"
    )
}

fn check_label(errors: &mut Errors, what: &str, v: &Sp<String>) {
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
}

fn check_verb_list(errors: &mut Errors, list: &Sp<Vec<Sp<String>>>) {
    let mut seen: Vec<&str> = Vec::new();
    for v in &list.value {
        if !VERBS.contains(&v.value.as_str()) {
            errors.at(v.span, unknown_message("verb", &v.value, VERBS));
        } else if seen.contains(&v.value.as_str()) {
            errors.at(v.span, format!("duplicate verb `{}`", v.value));
        }
        seen.push(&v.value);
    }
}

/// Checks the attribute values and their combinations against the item's shape.
pub fn attrs(input: &DeriveInput, attrs: &ResourceAttrs, shape: &Shape, errors: &mut Errors) {
    match &attrs.group {
        None => errors.spanned(
            &input.ident,
            "missing `group`: write #[resource(group = \"example.com\", version = \"v1\")] \
             (`group = \"\"` is the core group)",
        ),
        Some(g) if !g.value.is_empty() && !is_dns1123_subdomain(&g.value) => errors.at(
            g.span,
            format!(
                "invalid group `{}`: expected a DNS-1123 subdomain (lowercase labels of a-z, 0-9 and `-` \
                 joined by dots, such as `stable.example.com`), or \"\" for the core group",
                g.value
            ),
        ),
        Some(g) if !g.value.is_empty() && attrs.no_crd.is_none() && !is_crd_group(&g.value) => {
            errors.at(g.span, crd_group_message(&g.value))
        }
        Some(_) => {}
    }
    match &attrs.version {
        None => errors.spanned(
            &input.ident,
            "missing `version`: write #[resource(version = \"v1\")]",
        ),
        Some(v) if !is_api_version(&v.value) => errors.at(
            v.span,
            format!(
                "invalid version `{}`: expected `v<N>`, `v<N>alpha<M>` or `v<N>beta<M>` \
                 (such as `v1`, `v1beta2`, `v2alpha1`)",
                v.value
            ),
        ),
        Some(_) => {}
    }
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
    if let Some(p) = &attrs.plural {
        check_label(errors, "plural", p);
    }
    if let Some(s) = &attrs.singular {
        check_label(errors, "singular", s);
    }
    for list in [&attrs.short_names, &attrs.categories]
        .into_iter()
        .flatten()
    {
        for s in &list.value {
            check_label(errors, "name", s);
        }
    }

    if let (Some(c), Some(_)) = (attrs.cluster, attrs.namespaced) {
        errors.at(
            c,
            "`cluster` and `namespaced` exclude each other: a kind has one scope (namespaced is the default)",
        );
    }
    if let Some(s) = attrs.status
        && shape.named_struct
        && !shape.has_status_field
    {
        errors.at(
                s,
                "`status` needs a `status` field on the struct (the status subresource reads and writes it)",
            );
    }

    if let Some(only) = &attrs.only_verbs {
        check_verb_list(errors, only);
    }
    if let Some(skip) = &attrs.skip_verbs {
        check_verb_list(errors, skip);
    }
    if let (Some(_), Some(skip)) = (&attrs.only_verbs, &attrs.skip_verbs) {
        errors.at(
            skip.span,
            "`only_verbs` and `skip_verbs` exclude each other: list the verbs to keep in `only_verbs`, \
             or the ones to remove in `skip_verbs`",
        );
    }
    if let Some(nv) = attrs.no_verbs {
        for (present, name) in [
            (attrs.only_verbs.is_some(), "only_verbs"),
            (attrs.skip_verbs.is_some(), "skip_verbs"),
            (attrs.readonly.is_some(), "readonly"),
        ] {
            if present {
                errors.at(
                    nv,
                    format!("`no_verbs` removes every standard verb: it cannot be combined with `{name}`"),
                );
            }
        }
    }
    if let (Some(_), Some(only)) = (attrs.readonly, &attrs.only_verbs) {
        for v in &only.value {
            if VERBS.contains(&v.value.as_str()) && !READ_VERBS.contains(&v.value.as_str()) {
                errors.at(
                    v.span,
                    format!(
                        "`readonly` allows only `get`, `list` and `watch`; `{}` is a write verb",
                        v.value
                    ),
                );
            }
        }
    }
    if attrs.status.is_none()
        && let Some(only) = &attrs.only_verbs
    {
        for v in &only.value {
            if v.value.ends_with("_status") {
                errors.at(
                    v.span,
                    format!(
                        "`{}` needs `status` (the kind has no status subresource)",
                        v.value
                    ),
                );
            }
        }
    }

    if let Some(scale) = &attrs.scale {
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

    check_methods(attrs, errors);
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
    VERBS.contains(&name)
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

fn check_methods(attrs: &ResourceAttrs, errors: &mut Errors) {
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
        match &m.verb {
            None => errors.at(
                m.span,
                "`method` needs `verb = \"...\"` (one of `get`, `create`, `update`, `patch`)",
            ),
            Some(v) if !METHOD_VERBS.contains(&v.value.as_str()) => errors.at(
                v.span,
                unknown_message("method verb", &v.value, METHOD_VERBS),
            ),
            Some(v) if (v.value == "get" || v.value == "patch") && m.input.is_some() => {
                let input = m.input.as_ref().map(Spanned::span).unwrap_or(v.span);
                errors.at(
                    input,
                    format!(
                        "a `{}` method takes no `input` (only `create` and `update` send a body of their own type)",
                        v.value
                    ),
                );
            }
            Some(_) => {}
        }
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
