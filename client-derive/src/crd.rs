//! The CRD half of `#[derive(Resource)]`: the keys that shape `crd()`
//! (`schema`, `validation(..)`, `versions(..)`, `storage`, `served`,
//! `deprecated`, `deprecation_warning`), their checks, and the generated
//! `crd()`, `crd_version()`, `crd_yaml()`. Parse, check and generate live
//! together here because they only concern the manifest.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{LitBool, Token};

use crate::attr::{Sp, flag, set_once, string_value};
use crate::errors::{Errors, unknown_message};
use crate::model::ResourceModel;

const RULE_KEYS: &[&str] = &[
    "rule",
    "message",
    "message_expression",
    "reason",
    "field_path",
];

/// The `reason`s kube-apiserver accepts on a validation rule.
const REASONS: &[&str] = &[
    "FieldValueInvalid",
    "FieldValueForbidden",
    "FieldValueRequired",
    "FieldValueDuplicate",
];

/// One `validation(rule = "..", ..)`.
#[derive(Clone)]
pub struct RuleAttr {
    pub rule: Option<Sp<String>>,
    pub message: Option<Sp<String>>,
    pub message_expression: Option<Sp<String>>,
    pub reason: Option<Sp<String>>,
    pub field_path: Option<Sp<String>>,
    /// The `validation` token.
    pub span: Span,
}

/// The CRD keys as written.
#[derive(Default, Clone)]
pub struct CrdAttrs {
    pub schema: Option<Span>,
    pub rules: Vec<RuleAttr>,
    pub versions: Option<Sp<Vec<syn::Path>>>,
    pub storage: Option<Span>,
    pub served: Option<Sp<bool>>,
    pub deprecated: Option<Span>,
    pub deprecation_warning: Option<Sp<String>>,
}

/// Parses `key` if it is one of the CRD keys; `Ok(false)` leaves it to the caller.
pub fn parse_key(
    key: &str,
    meta: &ParseNestedMeta<'_>,
    out: &mut CrdAttrs,
    errors: &mut Errors,
) -> syn::Result<bool> {
    let span = meta.path.span();
    match key {
        "schema" => {
            let v = flag(meta, key)?;
            set_once(errors, &mut out.schema, v, key, span);
        }
        "storage" => {
            let v = flag(meta, key)?;
            set_once(errors, &mut out.storage, v, key, span);
        }
        "deprecated" => {
            let v = flag(meta, key)?;
            set_once(errors, &mut out.deprecated, v, key, span);
        }
        "served" => {
            let lit: LitBool = meta.value()?.parse()?;
            let v = Sp {
                value: lit.value,
                span: lit.span(),
            };
            set_once(errors, &mut out.served, v, key, span);
        }
        "deprecation_warning" => {
            let v = string_value(meta)?;
            set_once(errors, &mut out.deprecation_warning, v, key, span);
        }
        "versions" => {
            let content;
            syn::parenthesized!(content in meta.input);
            let paths = Punctuated::<syn::Path, Token![,]>::parse_terminated(&content)?;
            let v = Sp {
                value: paths.into_iter().collect(),
                span,
            };
            set_once(errors, &mut out.versions, v, key, span);
        }
        "validation" => out.rules.push(parse_rule(meta, errors)?),
        _ => return Ok(false),
    }
    Ok(true)
}

fn parse_rule(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<RuleAttr> {
    let mut r = RuleAttr {
        rule: None,
        message: None,
        message_expression: None,
        reason: None,
        field_path: None,
        span: meta.path.span(),
    };
    meta.parse_nested_meta(|inner| {
        let key = crate::attr::key_of(&inner);
        let span = inner.path.span();
        let slot = match key.as_str() {
            "rule" => &mut r.rule,
            "message" => &mut r.message,
            "message_expression" => &mut r.message_expression,
            "reason" => &mut r.reason,
            "field_path" => &mut r.field_path,
            _ => {
                errors.at(span, unknown_message("validation key", &key, RULE_KEYS));
                let _ = inner.value().and_then(|v| v.parse::<syn::Expr>());
                return Ok(());
            }
        };
        let v = string_value(&inner)?;
        set_once(errors, slot, v, &key, span);
        Ok(())
    })?;
    Ok(r)
}

/// Checks the CRD keys: rules need a schema, no CRD keys with `no_crd`,
/// well-formed rules, and shapes of the resource's own fields that no
/// structural schema can hold.
pub fn check(
    input: &syn::DeriveInput,
    attrs: &CrdAttrs,
    no_crd: Option<Span>,
    errors: &mut Errors,
) {
    if let Some(no) = no_crd {
        let mut given: Vec<Span> = attrs.rules.iter().map(|r| r.span).collect();
        given.extend(attrs.schema);
        given.extend(attrs.storage);
        given.extend(attrs.versions.as_ref().map(|v| v.span));
        if !given.is_empty() {
            errors.at(
                no,
                "`no_crd` removes `crd()`: drop `schema`, `validation`, `versions` and `storage`, or drop `no_crd`",
            );
        }
    }
    if attrs.schema.is_none() {
        for r in &attrs.rules {
            errors.at(
                r.span,
                "`validation(..)` needs a schema to attach its rule to: add `schema` to \
                 #[resource(..)] and #[derive(schemars::JsonSchema)] to the type",
            );
        }
    }
    for r in &attrs.rules {
        match &r.rule {
            None => errors.at(
                r.span,
                "`validation(..)` needs `rule = \"<CEL expression>\"`, such as `rule = \"self.spec.replicas <= 10\"`",
            ),
            Some(rule) if rule.value.trim().is_empty() => {
                errors.at(rule.span, "the CEL rule is empty: write an expression over `self`");
            }
            Some(_) => {}
        }
        if let (Some(m), Some(_)) = (&r.message, &r.message_expression)
            && m.value.is_empty()
        {
            errors.at(
                m.span,
                "`message` is empty: drop it, `message_expression` is enough",
            );
        }
        if let Some(reason) = &r.reason
            && !REASONS.contains(&reason.value.as_str())
        {
            errors.at(
                reason.span,
                format!(
                    "unknown reason `{}`: kube-apiserver accepts {}",
                    reason.value,
                    REASONS.join(", ")
                ),
            );
        }
        if let Some(p) = &r.field_path
            && !p.value.starts_with('.')
        {
            errors.at(
                p.span,
                format!(
                    "`field_path` is a JSON path relative to the rule's object and starts with `.`: write \".{}\"",
                    p.value
                ),
            );
        }
    }
    if let Some(w) = &attrs.deprecation_warning
        && attrs.deprecated.is_none()
    {
        errors.at(w.span, "`deprecation_warning` needs `deprecated` as well");
    }
    if attrs.schema.is_some() {
        check_structural_fields(input, errors);
    }
}

/// A resource's own fields whose Rust shape no structural schema can hold:
/// a tuple (items of different types). Deeper types are checked when the
/// schema is generated, with the field path in the error.
fn check_structural_fields(input: &syn::DeriveInput, errors: &mut Errors) {
    let syn::Data::Struct(s) = &input.data else {
        return;
    };
    for f in &s.fields {
        if let Some(t) = find_tuple(&f.ty) {
            errors.spanned(
                t,
                "a tuple cannot be structural: a Kubernetes list has one item schema; \
                 use a struct with named fields (or a `Vec` of one type)",
            );
        }
    }
}

fn find_tuple(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Tuple(t) if !t.elems.is_empty() => Some(ty),
        syn::Type::Paren(p) => find_tuple(&p.elem),
        syn::Type::Array(a) => find_tuple(&a.elem),
        syn::Type::Slice(a) => find_tuple(&a.elem),
        syn::Type::Path(p) => p.path.segments.iter().find_map(|seg| match &seg.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => find_tuple(t),
                _ => None,
            }),
            _ => None,
        }),
        _ => None,
    }
}

fn opt_str(v: &Option<Sp<String>>) -> TokenStream {
    match v {
        Some(s) => {
            let s = &s.value;
            quote!(::core::option::Option::Some(#s))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// `crd()`, `crd_version()`, `crd_yaml()` and the `CrdVersion` impl.
pub fn expand(model: &ResourceModel, attrs: &CrdAttrs, info: TokenStream) -> TokenStream {
    let k = &model.krate;
    let t = &model.ident;
    let multi = attrs.versions.is_some();
    let served = attrs.served.as_ref().is_none_or(|s| s.value);
    // A lone version is the storage version; with `versions(..)` exactly one
    // of them says `storage` (checked below, at compile time).
    let storage_flag = attrs.storage.is_some();
    let rules = attrs.rules.iter().map(|r| {
        let rule = r.rule.as_ref().map(|s| s.value.clone()).unwrap_or_default();
        let (message, expr, reason, path) = (
            opt_str(&r.message),
            opt_str(&r.message_expression),
            opt_str(&r.reason),
            opt_str(&r.field_path),
        );
        quote! {
            #k::__private::CrdRule {
                rule: #rule, message: #message, message_expression: #expr,
                reason: #reason, field_path: #path,
            }
        }
    });
    let deprecated = attrs.deprecated.is_some();
    let warning = opt_str(&attrs.deprecation_warning);
    let storage_tokens = quote!(<Self as #k::__private::CrdVersion>::STORAGE || __LONE);
    let info = quote! {
        #k::__private::CrdInfo {
            #info
            served: #served,
            storage: #storage_tokens,
            deprecated: #deprecated,
            deprecation_warning: #warning,
            rules: &[#(#rules),*],
        }
    };
    let schema = if let Some(span) = attrs.schema {
        let generated = quote_spanned!(span=> <Self as #k::__private::CrdSchema>::crd_schema());
        let s = quote!(#k::__private::schema_of::<Self>(#generated)?);
        quote!(::core::option::Option::Some(#s))
    } else {
        quote!(::core::option::Option::None)
    };
    let kind = &model.kind;
    let (plural, group) = (&model.plural, &model.group);
    let lone = !multi;
    let mut out = TokenStream::new();
    let version_doc =
        format!("This version's entry in the `CustomResourceDefinition` of `{kind}`.");
    out.extend(quote! {
        #[automatically_derived]
        impl #k::__private::CrdVersion for #t {
            const STORAGE: bool = #storage_flag;
            #[doc = #version_doc]
            fn crd_version() -> ::core::result::Result<#k::__private::CustomResourceDefinitionVersion, #k::__private::CrdError> {
                const __LONE: bool = #lone;
                ::core::result::Result::Ok(#k::__private::crd_version::<Self>(&#info, #schema))
            }
        }
    });
    let others: Vec<&syn::Path> = attrs
        .versions
        .as_ref()
        .map(|v| v.value.iter().collect())
        .unwrap_or_default();
    if let Some(v) = &attrs.versions {
        let span = v.span;
        let mut asserts = TokenStream::new();
        let storages = others.iter().map(
            |o| quote_spanned!(o.span()=> (<#o as #k::__private::CrdVersion>::STORAGE as usize)),
        );
        asserts.extend(quote_spanned! {span=>
            const _: () = ::core::assert!(
                (#storage_flag as usize) #(+ #storages)* == 1,
                "a CRD has exactly one storage version: mark one type of `versions(..)` (or this one) with `storage`, and only one"
            );
        });
        for o in &others {
            let msg = format!(
                "every type in `versions(..)` must be a version of `{kind}` ({plural}.{group}): same group, kind and plural"
            );
            asserts.extend(quote_spanned! {o.span()=>
                const _: () = ::core::assert!(
                    #k::__private::str_eq(<#o as #k::Resource>::GROUP, #group)
                        && #k::__private::str_eq(<#o as #k::Resource>::KIND, #kind)
                        && #k::__private::str_eq(<#o as #k::Resource>::PLURAL, #plural),
                    #msg
                );
            });
        }
        out.extend(asserts);
    }
    let entries = others
        .iter()
        .map(|o| quote_spanned!(o.span()=> #k::__private::other_version::<#o>()?));
    let fallible = attrs.schema.is_some() || multi;
    let doc_schema = if attrs.schema.is_some() {
        "with the structural schema generated from the type's `JsonSchema`"
    } else {
        "with a permissive schema (add `schema` to generate one from the type)"
    };
    let crd_doc = format!(
        "The `CustomResourceDefinition` that serves `{kind}` ({plural}.{group}), {doc_schema}."
    );
    let yaml_doc = format!(
        "The `CustomResourceDefinition` of `{kind}` as YAML with `apiVersion` and `kind`, for `kubectl apply -f -`."
    );
    let methods = if fallible {
        let errors_doc =
            "\n\n# Errors\n\nA schema with no structural form, named by its field path.";
        let crd_doc = format!("{crd_doc}{errors_doc}");
        let yaml_doc = format!("{yaml_doc}{errors_doc}");
        quote! {
            #[doc = #crd_doc]
            pub fn crd() -> ::core::result::Result<#k::__private::CustomResourceDefinition, #k::__private::CrdError> {
                ::core::result::Result::Ok(#k::__private::crd_with_versions::<Self>(::std::vec![
                    <Self as #k::__private::CrdVersion>::crd_version()?,
                    #(#entries),*
                ]))
            }
            #[doc = #yaml_doc]
            pub fn crd_yaml() -> ::core::result::Result<::std::string::String, #k::__private::CrdError> {
                #k::__private::crd_yaml(&Self::crd()?)
            }
        }
    } else {
        let yaml_doc = format!("{yaml_doc}\n\n# Errors\n\nOnly if YAML serialization fails.");
        quote! {
            #[doc = #crd_doc]
            pub fn crd() -> #k::__private::CustomResourceDefinition {
                const __LONE: bool = true;
                #k::__private::crd_with_versions::<Self>(::std::vec![
                    #k::__private::crd_version::<Self>(&#info, ::core::option::Option::None)
                ])
            }
            #[doc = #yaml_doc]
            pub fn crd_yaml() -> ::core::result::Result<::std::string::String, #k::__private::CrdError> {
                #k::__private::crd_yaml(&Self::crd())
            }
        }
    };
    out.extend(quote! {
        #[automatically_derived]
        impl #t {
            #methods
        }
    });
    out
}
