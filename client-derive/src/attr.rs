//! Parsing of `#[resource(...)]` and `#[clientset(...)]` into typed values with spans.
//!
//! This layer only checks syntax (which keys exist, what shape their value has,
//! no key given twice, which words are verbs). Whether the values make sense
//! together is `check.rs`'s job.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, LitInt, LitStr, Token};

use crate::errors::{Errors, unknown_message};
use crate::verbs::{MethodVerb, Verb};

/// A value together with the span of the token it came from.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// A value written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// Keys of `#[resource(...)]`.
pub const RESOURCE_KEYS: &[&str] = &[
    "group",
    "version",
    "kind",
    "plural",
    "singular",
    "short_names",
    "categories",
    "namespaced",
    "cluster",
    "status",
    "scale",
    "printer_column",
    "readonly",
    "only_verbs",
    "skip_verbs",
    "no_verbs",
    "method",
    "no_crd",
    "crate",
    // `crd.rs`
    "schema",
    "validation",
    "versions",
    "storage",
    "served",
    "deprecated",
    "deprecation_warning",
];

const SCALE_KEYS: &[&str] = &[
    "spec_replicas_path",
    "status_replicas_path",
    "label_selector_path",
];

const COLUMN_KEYS: &[&str] = &[
    "name",
    "type",
    "json_path",
    "priority",
    "description",
    "format",
];

const METHOD_KEYS: &[&str] = &["name", "verb", "subresource", "input", "result"];

/// Keys of `#[clientset(...)]`.
pub const CLIENTSET_KEYS: &[&str] = &[
    "group",
    "version",
    "api_version",
    "resources",
    "cluster_resources",
    "name",
    "crate",
    "snake_case_getters",
];

/// `scale(...)`.
#[derive(Clone, Debug, Default)]
pub struct ScaleAttr {
    /// `.spec.replicas`
    pub spec_replicas_path: Option<Sp<String>>,
    /// `.status.replicas`
    pub status_replicas_path: Option<Sp<String>>,
    /// `.status.selector`
    pub label_selector_path: Option<Sp<String>>,
}

/// One `printer_column(...)`.
#[derive(Clone, Debug)]
pub struct ColumnAttr {
    /// Column header.
    pub name: Option<Sp<String>>,
    /// OpenAPI type: integer, number, string, boolean, date.
    pub ty: Option<Sp<String>>,
    /// JSON path into the object.
    pub json_path: Option<Sp<String>>,
    /// 0 shows by default; higher only in wide output.
    pub priority: Option<Sp<i32>>,
    /// Human-readable description.
    pub description: Option<Sp<String>>,
    /// OpenAPI format.
    pub format: Option<Sp<String>>,
    /// The `printer_column` token.
    pub span: Span,
}

/// One `method(...)`.
#[derive(Clone)]
pub struct MethodAttr {
    /// The Rust method name.
    pub name: Option<Sp<String>>,
    /// `verb = ".."`: `Some(None)` inside when the word is not a method verb
    /// (already reported here), so that `check` does not also call it missing.
    pub verb: Option<Sp<Option<MethodVerb>>>,
    /// The subresource path segment.
    pub subresource: Option<Sp<String>>,
    /// The body type (create and update).
    pub input: Option<syn::Type>,
    /// The decoded answer type.
    pub result: Option<syn::Type>,
    /// The `method` token.
    pub span: Span,
}

/// Everything `#[resource(...)]` can say, as written.
#[derive(Default)]
pub struct ResourceAttrs {
    pub group: Option<Sp<String>>,
    pub version: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub plural: Option<Sp<String>>,
    pub singular: Option<Sp<String>>,
    pub short_names: Option<Sp<Vec<Sp<String>>>>,
    pub categories: Option<Sp<Vec<Sp<String>>>>,
    pub namespaced: Option<Span>,
    pub cluster: Option<Span>,
    pub status: Option<Span>,
    pub scale: Option<Sp<ScaleAttr>>,
    pub printer_columns: Vec<ColumnAttr>,
    pub readonly: Option<Span>,
    /// Known verbs only: unknown ones are reported while parsing and dropped.
    pub only_verbs: Option<Sp<Vec<Sp<Verb>>>>,
    /// Known verbs only, as `only_verbs`.
    pub skip_verbs: Option<Sp<Vec<Sp<Verb>>>>,
    pub no_verbs: Option<Span>,
    pub methods: Vec<MethodAttr>,
    pub no_crd: Option<Span>,
    pub krate: Option<Sp<syn::Path>>,
    /// The keys that shape `crd()` (`crd.rs`).
    pub crd: crate::crd::CrdAttrs,
}

/// A resource listed in `#[clientset(resources(..))]`, with an optional plural.
pub struct ClientsetEntry {
    /// The type.
    pub path: syn::Path,
    /// `Type = "plural"`.
    pub plural: Option<Sp<String>>,
}

/// One `#[clientset(...)]`: a group-version and its resources.
pub struct ClientsetAttr {
    pub group: Option<Sp<String>>,
    pub version: Option<Sp<String>>,
    pub resources: Vec<ClientsetEntry>,
    pub cluster_resources: Vec<ClientsetEntry>,
    pub name: Option<Sp<String>>,
    pub krate: Option<Sp<syn::Path>>,
    /// `snake_case_getters`: getters split the kind into words, as client-go's
    /// method names do (`ClusterRole` -> `cluster_roles`), instead of the plural.
    pub snake_case_getters: Option<Span>,
    /// The `clientset` token.
    pub span: Span,
}

pub(crate) fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_else(|| {
            meta.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::")
        })
}

pub(crate) fn set_once<T>(
    errors: &mut Errors,
    slot: &mut Option<T>,
    value: T,
    key: &str,
    span: Span,
) {
    if slot.is_some() {
        errors.at(span, format!("duplicate `{key}`: give it once"));
    } else {
        *slot = Some(value);
    }
}

pub(crate) fn string_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Sp<String>> {
    let lit: LitStr = meta.value()?.parse()?;
    Ok(Sp::new(lit.value(), lit.span()))
}

pub(crate) fn flag(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<Span> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("`{key}` is a flag: write it alone, as `{key}`")));
    }
    Ok(meta.path.span())
}

fn string_list(meta: &ParseNestedMeta<'_>) -> syn::Result<Sp<Vec<Sp<String>>>> {
    let span = meta.path.span();
    let content;
    syn::parenthesized!(content in meta.input);
    let lits = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(Sp::new(
        lits.iter().map(|l| Sp::new(l.value(), l.span())).collect(),
        span,
    ))
}

/// `only_verbs(get, list)`: each word must be a verb; an unknown one is
/// reported with the closest verb suggested, and left out.
fn verb_list(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<Sp<Vec<Sp<Verb>>>> {
    let span = meta.path.span();
    let content;
    syn::parenthesized!(content in meta.input);
    let idents = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
    let mut verbs = Vec::new();
    for i in &idents {
        let name = i.to_string();
        match Verb::from_name(&name) {
            Some(v) => verbs.push(Sp::new(v, i.span())),
            None => errors.at(i.span(), unknown_message("verb", &name, &Verb::NAMES)),
        }
    }
    Ok(Sp::new(verbs, span))
}

/// `verb = "get"` in `method(..)`: one of [`MethodVerb::NAMES`].
fn method_verb(
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
) -> syn::Result<Sp<Option<MethodVerb>>> {
    let word = string_value(meta)?;
    let verb = MethodVerb::from_name(&word.value);
    if verb.is_none() {
        errors.at(
            word.span,
            unknown_message("method verb", &word.value, &MethodVerb::NAMES),
        );
    }
    Ok(Sp::new(verb, word.span))
}

/// `input = "Type"` or `input = Type`.
fn type_value(meta: &ParseNestedMeta<'_>) -> syn::Result<syn::Type> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        let lit: LitStr = value.parse()?;
        lit.parse()
    } else {
        value.parse()
    }
}

fn path_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Sp<syn::Path>> {
    let lit: LitStr = meta.value()?.parse()?;
    let path: syn::Path = lit.parse()?;
    Ok(Sp::new(path, lit.span()))
}

fn unknown(meta: &ParseNestedMeta<'_>, what: &str, candidates: &[&str]) -> syn::Error {
    syn::Error::new(
        meta.path.span(),
        unknown_message(what, &key_of(meta), candidates),
    )
}

/// Skips whatever follows an unknown key (`= value` or `(...)`), so that parsing
/// can go on with the next key and report more than one mistake.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let value = meta.value()?;
        value.step(|cursor| {
            let mut rest = *cursor;
            while let Some((tt, next)) = rest.token_tree() {
                if matches!(&tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == ',') {
                    break;
                }
                rest = next;
            }
            Ok(((), rest))
        })?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
        let _: proc_macro2::TokenStream = _content.parse()?;
    }
    Ok(())
}

/// Parses every `#[resource(...)]` on the item into one [`ResourceAttrs`].
pub fn parse_resource_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> ResourceAttrs {
    let mut out = ResourceAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("resource")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let span = meta.path.span();
            match key.as_str() {
                "group" => set_once(errors, &mut out.group, string_value(&meta)?, "group", span),
                "version" => set_once(
                    errors,
                    &mut out.version,
                    string_value(&meta)?,
                    "version",
                    span,
                ),
                "kind" => set_once(errors, &mut out.kind, string_value(&meta)?, "kind", span),
                "plural" => set_once(
                    errors,
                    &mut out.plural,
                    string_value(&meta)?,
                    "plural",
                    span,
                ),
                "singular" => set_once(
                    errors,
                    &mut out.singular,
                    string_value(&meta)?,
                    "singular",
                    span,
                ),
                "short_names" => {
                    let v = string_list(&meta)?;
                    set_once(errors, &mut out.short_names, v, "short_names", span)
                }
                "categories" => {
                    let v = string_list(&meta)?;
                    set_once(errors, &mut out.categories, v, "categories", span)
                }
                "namespaced" => {
                    let v = flag(&meta, "namespaced")?;
                    set_once(errors, &mut out.namespaced, v, "namespaced", span)
                }
                "cluster" => {
                    let v = flag(&meta, "cluster")?;
                    set_once(errors, &mut out.cluster, v, "cluster", span)
                }
                "status" => {
                    let v = flag(&meta, "status")?;
                    set_once(errors, &mut out.status, v, "status", span)
                }
                "readonly" => {
                    let v = flag(&meta, "readonly")?;
                    set_once(errors, &mut out.readonly, v, "readonly", span)
                }
                "no_verbs" => {
                    let v = flag(&meta, "no_verbs")?;
                    set_once(errors, &mut out.no_verbs, v, "no_verbs", span)
                }
                "no_crd" => {
                    let v = flag(&meta, "no_crd")?;
                    set_once(errors, &mut out.no_crd, v, "no_crd", span)
                }
                "only_verbs" => {
                    let v = verb_list(&meta, errors)?;
                    set_once(errors, &mut out.only_verbs, v, "only_verbs", span)
                }
                "skip_verbs" => {
                    let v = verb_list(&meta, errors)?;
                    set_once(errors, &mut out.skip_verbs, v, "skip_verbs", span)
                }
                "scale" => {
                    let v = parse_scale(&meta, errors)?;
                    set_once(errors, &mut out.scale, Sp::new(v, span), "scale", span)
                }
                "printer_column" => out.printer_columns.push(parse_column(&meta, errors)?),
                "method" => out.methods.push(parse_method(&meta, errors)?),
                "crate" => set_once(errors, &mut out.krate, path_value(&meta)?, "crate", span),
                _ if crate::crd::parse_key(&key, &meta, &mut out.crd, errors)? => {}
                _ => {
                    errors.push(unknown(&meta, "resource attribute", RESOURCE_KEYS));
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

fn parse_scale(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<ScaleAttr> {
    let mut scale = ScaleAttr::default();
    meta.parse_nested_meta(|inner| {
        let key = key_of(&inner);
        let span = inner.path.span();
        match key.as_str() {
            "spec_replicas_path" => {
                let v = string_value(&inner)?;
                set_once(errors, &mut scale.spec_replicas_path, v, &key, span)
            }
            "status_replicas_path" => {
                let v = string_value(&inner)?;
                set_once(errors, &mut scale.status_replicas_path, v, &key, span)
            }
            "label_selector_path" => {
                let v = string_value(&inner)?;
                set_once(errors, &mut scale.label_selector_path, v, &key, span)
            }
            _ => {
                errors.push(unknown(&inner, "scale key", SCALE_KEYS));
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    Ok(scale)
}

fn parse_column(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<ColumnAttr> {
    let mut col = ColumnAttr {
        name: None,
        ty: None,
        json_path: None,
        priority: None,
        description: None,
        format: None,
        span: meta.path.span(),
    };
    meta.parse_nested_meta(|inner| {
        let key = key_of(&inner);
        let span = inner.path.span();
        match key.as_str() {
            "name" => set_once(errors, &mut col.name, string_value(&inner)?, &key, span),
            "type" => set_once(errors, &mut col.ty, string_value(&inner)?, &key, span),
            "json_path" => set_once(
                errors,
                &mut col.json_path,
                string_value(&inner)?,
                &key,
                span,
            ),
            "description" => {
                let v = string_value(&inner)?;
                set_once(errors, &mut col.description, v, &key, span)
            }
            "format" => set_once(errors, &mut col.format, string_value(&inner)?, &key, span),
            "priority" => {
                let lit: LitInt = inner.value()?.parse()?;
                let v = Sp::new(lit.base10_parse::<i32>()?, lit.span());
                set_once(errors, &mut col.priority, v, &key, span)
            }
            _ => {
                errors.push(unknown(&inner, "printer_column key", COLUMN_KEYS));
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    Ok(col)
}

fn parse_method(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<MethodAttr> {
    let mut m = MethodAttr {
        name: None,
        verb: None,
        subresource: None,
        input: None,
        result: None,
        span: meta.path.span(),
    };
    meta.parse_nested_meta(|inner| {
        let key = key_of(&inner);
        let span = inner.path.span();
        match key.as_str() {
            "name" => set_once(errors, &mut m.name, string_value(&inner)?, &key, span),
            "verb" => {
                let v = method_verb(&inner, errors)?;
                set_once(errors, &mut m.verb, v, &key, span)
            }
            "subresource" => {
                let v = string_value(&inner)?;
                set_once(errors, &mut m.subresource, v, &key, span)
            }
            "input" => set_once(errors, &mut m.input, type_value(&inner)?, &key, span),
            "result" => set_once(errors, &mut m.result, type_value(&inner)?, &key, span),
            _ => {
                errors.push(unknown(&inner, "method key", METHOD_KEYS));
                skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    Ok(m)
}

/// `resources(CronTab, Policy = "policies", path::Widget)`.
fn clientset_entries(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<ClientsetEntry>> {
    let mut entries = Vec::new();
    meta.parse_nested_meta(|inner| {
        let plural = if inner.input.peek(Token![=]) {
            Some(string_value(&inner)?)
        } else {
            None
        };
        entries.push(ClientsetEntry {
            path: inner.path.clone(),
            plural,
        });
        Ok(())
    })?;
    Ok(entries)
}

/// Parses each `#[clientset(...)]` on the item.
pub fn parse_clientset_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> Vec<ClientsetAttr> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("clientset")) {
        let mut cs = ClientsetAttr {
            group: None,
            version: None,
            resources: Vec::new(),
            cluster_resources: Vec::new(),
            name: None,
            krate: None,
            snake_case_getters: None,
            span: attr.path().span(),
        };
        let mut seen_resources = false;
        let mut seen_cluster = false;
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let span = meta.path.span();
            match key.as_str() {
                "group" => set_once(errors, &mut cs.group, string_value(&meta)?, &key, span),
                "version" => set_once(errors, &mut cs.version, string_value(&meta)?, &key, span),
                "api_version" => {
                    let v = string_value(&meta)?;
                    if cs.group.is_some() || cs.version.is_some() {
                        errors.at(
                            span,
                            "`api_version` replaces `group` and `version`: give one form or the other",
                        );
                    } else {
                        // "group/version", or "version" alone for the core group
                        let (group, version) = match v.value.rsplit_once('/') {
                            Some((g, ver)) => (g.to_owned(), ver.to_owned()),
                            None => (String::new(), v.value.clone()),
                        };
                        cs.group = Some(Sp { value: group, span: v.span });
                        cs.version = Some(Sp { value: version, span: v.span });
                    }
                }
                "name" => set_once(errors, &mut cs.name, string_value(&meta)?, &key, span),
                "crate" => set_once(errors, &mut cs.krate, path_value(&meta)?, &key, span),
                "snake_case_getters" => {
                    if cs.snake_case_getters.replace(span).is_some() {
                        errors.at(span, "duplicate `snake_case_getters`");
                    }
                }
                "resources" => {
                    if seen_resources {
                        errors.at(span, "duplicate `resources`: list every namespaced resource in one `resources(..)`");
                    }
                    seen_resources = true;
                    cs.resources.extend(clientset_entries(&meta)?);
                }
                "cluster_resources" => {
                    if seen_cluster {
                        errors.at(span, "duplicate `cluster_resources`: list every cluster-scoped resource in one `cluster_resources(..)`");
                    }
                    seen_cluster = true;
                    cs.cluster_resources.extend(clientset_entries(&meta)?);
                }
                _ => {
                    errors.push(unknown(&meta, "clientset attribute", CLIENTSET_KEYS));
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        match result {
            Ok(()) => out.push(cs),
            Err(e) => errors.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: proc_macro2::TokenStream) -> (ResourceAttrs, Vec<String>) {
        let item: syn::DeriveInput = syn::parse2(tokens).expect("test input parses");
        let mut errors = Errors::default();
        let attrs = parse_resource_attrs(&item.attrs, &mut errors);
        (attrs, errors.messages())
    }

    #[test]
    fn full_attribute() {
        let (a, errs) = parse(quote::quote! {
            #[resource(group = "stable.example.com", version = "v1", kind = "CronTab",
                plural = "crontabs", singular = "crontab", short_names("ct", "cts"),
                categories("all"), namespaced, status,
                scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas"),
                printer_column(name = "Spec", type = "string", json_path = ".spec.cronSpec", priority = 1),
                skip_verbs(watch, delete_collection),
                method(name = "get_scale", verb = "get", subresource = "scale", result = "Scale"),
                crate = "my_core")]
            struct CronTab { metadata: ObjectMeta }
        });
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            a.group.map(|g| g.value).as_deref(),
            Some("stable.example.com")
        );
        assert_eq!(a.version.map(|g| g.value).as_deref(), Some("v1"));
        let shorts: Vec<String> = a
            .short_names
            .map(|s| s.value.into_iter().map(|v| v.value).collect())
            .unwrap_or_default();
        assert_eq!(shorts, ["ct", "cts"]);
        assert!(a.namespaced.is_some() && a.status.is_some() && a.cluster.is_none());
        let scale = a.scale.map(|s| s.value).unwrap_or_default();
        assert_eq!(
            scale.spec_replicas_path.map(|s| s.value).as_deref(),
            Some(".spec.replicas")
        );
        assert_eq!(a.printer_columns.len(), 1);
        assert_eq!(
            a.printer_columns[0].priority.as_ref().map(|p| p.value),
            Some(1)
        );
        let skipped: Vec<Verb> = a
            .skip_verbs
            .map(|s| s.value.into_iter().map(|v| v.value).collect())
            .unwrap_or_default();
        assert_eq!(skipped, [Verb::Watch, Verb::DeleteCollection]);
        assert_eq!(a.methods.len(), 1);
        assert!(a.methods[0].result.is_some() && a.methods[0].input.is_none());
        assert!(a.krate.is_some());
    }

    #[test]
    fn several_attributes_merge_and_duplicates_are_reported() {
        let (a, errs) = parse(quote::quote! {
            #[resource(group = "a.io")]
            #[resource(version = "v1", group = "b.io")]
            struct X;
        });
        assert_eq!(a.group.map(|g| g.value).as_deref(), Some("a.io"));
        assert_eq!(errs, ["duplicate `group`: give it once"]);
    }

    #[test]
    fn unknown_keys_are_all_reported_with_suggestions() {
        let (a, errs) = parse(quote::quote! {
            #[resource(gruop = "a.io", version = "v1", plurl = "xs", frobnicate(1, 2), namespaced)]
            struct X;
        });
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].contains("unknown resource attribute `gruop`: did you mean `group`?"));
        assert!(errs[1].contains("did you mean `plural`?"));
        assert!(!errs[2].contains("did you mean"));
        // parsing went on after each mistake
        assert!(a.version.is_some() && a.namespaced.is_some());
    }

    #[test]
    fn shape_errors() {
        let (_, errs) = parse(quote::quote! { #[resource(status = true)] struct X; });
        assert!(errs[0].contains("`status` is a flag"), "{errs:?}");
        let (_, errs) = parse(quote::quote! { #[resource(group = 1)] struct X; });
        assert!(errs[0].contains("expected string literal"), "{errs:?}");
        let (_, errs) = parse(quote::quote! { #[resource(only_verbs("get"))] struct X; });
        assert!(errs[0].contains("expected identifier"), "{errs:?}");
    }

    #[test]
    fn unknown_verbs_are_reported_where_parsed_and_dropped() {
        let (a, errs) = parse(quote::quote! {
            #[resource(only_verbs(get, gte), method(name = "x", verb = "list", subresource = "x"))]
            struct X;
        });
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].contains("unknown verb `gte`: did you mean `get`?"),
            "{errs:?}"
        );
        assert!(errs[1].contains("unknown method verb `list`"), "{errs:?}");
        let only: Vec<Verb> = a
            .only_verbs
            .map(|s| s.value.into_iter().map(|v| v.value).collect())
            .unwrap_or_default();
        assert_eq!(only, [Verb::Get]);
        assert!(matches!(&a.methods[0].verb, Some(Sp { value: None, .. })));
    }

    #[test]
    fn clientset_attrs() {
        let item: syn::DeriveInput = syn::parse2(quote::quote! {
            #[clientset(group = "stable.example.com", version = "v1", resources(CronTab, a::Policy = "policies"), cluster_resources(Cluster))]
            #[clientset(group = "", version = "v1", resources(ConfigMap), name = "core_v1")]
            struct Cs(RestClient);
        })
        .expect("parses");
        let mut errors = Errors::default();
        let cs = parse_clientset_attrs(&item.attrs, &mut errors);
        assert!(errors.is_empty());
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].resources.len(), 2);
        assert_eq!(
            cs[0].resources[1].plural.as_ref().map(|p| p.value.as_str()),
            Some("policies")
        );
        assert_eq!(cs[0].cluster_resources.len(), 1);
        assert_eq!(
            cs[1].name.as_ref().map(|p| p.value.as_str()),
            Some("core_v1")
        );
    }

    #[test]
    fn clientset_api_version_form() {
        let item: syn::DeriveInput = syn::parse2(quote::quote! {
            #[clientset(api_version = "coordination.k8s.io/v1", resources(Lease))]
            #[clientset(api_version = "v1", resources(ConfigMap))]
            #[clientset(group = "a.io", api_version = "a.io/v1", resources(A))]
            struct Cs(RestClient);
        })
        .expect("parses");
        let mut errors = Errors::default();
        let cs = parse_clientset_attrs(&item.attrs, &mut errors);
        let gv = |i: usize| {
            (
                cs[i].group.as_ref().map(|g| g.value.clone()),
                cs[i].version.as_ref().map(|g| g.value.clone()),
            )
        };
        assert_eq!(
            gv(0),
            (Some("coordination.k8s.io".into()), Some("v1".into()))
        );
        assert_eq!(gv(1), (Some(String::new()), Some("v1".into())));
        assert_eq!(errors.messages().len(), 1);
        assert!(errors.messages()[0].contains("replaces `group` and `version`"));
    }
}
