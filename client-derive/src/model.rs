//! The container model: what the derive knows about the user's type once the
//! attributes are parsed and defaults are applied, for both derives. Code
//! generation reads only this.

use syn::{Data, DeriveInput, Fields, Ident};

use syn::spanned::Spanned;

use crate::attr::{ClientsetAttr, ClientsetEntry, ColumnAttr, MethodAttr, ResourceAttrs, Sp};
use crate::names::{camel_to_snake, group_version_accessor};
use crate::verbs::{MethodVerb, Verb, Verbs};
use client_names::default_plural;

/// The shape of the user's item, as far as the derive cares.
pub struct Shape {
    /// `Some` for a struct with named fields: the `metadata` field's type if any.
    pub metadata_ty: Option<syn::Type>,
    /// Whether a field named `status` exists.
    pub has_status_field: bool,
    /// A struct with named fields.
    pub named_struct: bool,
}

impl Shape {
    /// Reads the fields of `input`.
    pub fn of(input: &DeriveInput) -> Shape {
        let mut shape = Shape {
            metadata_ty: None,
            has_status_field: false,
            named_struct: false,
        };
        if let Data::Struct(s) = &input.data
            && let Fields::Named(fields) = &s.fields
        {
            shape.named_struct = true;
            for f in &fields.named {
                let Some(name) = &f.ident else { continue };
                if name == "metadata" {
                    shape.metadata_ty = Some(f.ty.clone());
                } else if name == "status" {
                    shape.has_status_field = true;
                }
            }
        }
        shape
    }
}

/// `scale(..)` paths.
pub struct ScaleModel {
    pub spec_replicas_path: String,
    pub status_replicas_path: String,
    pub label_selector_path: Option<String>,
}

/// One printer column.
pub struct ColumnModel {
    pub name: String,
    pub ty: String,
    pub json_path: String,
    pub priority: i32,
    pub description: Option<String>,
    pub format: Option<String>,
}

/// A custom subresource method.
pub struct MethodModel {
    pub name: Ident,
    pub verb: MethodVerb,
    pub subresource: String,
    pub input: syn::Type,
    pub result: syn::Type,
}

/// A resource with every default applied.
pub struct ResourceModel {
    pub ident: Ident,
    pub vis: syn::Visibility,
    pub krate: syn::Path,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub namespaced: bool,
    pub status: bool,
    pub scale: Option<ScaleModel>,
    pub columns: Vec<ColumnModel>,
    /// The verbs the client type offers (status verbs only when `status`).
    pub verbs: Verbs,
    /// The verbs `only_verbs`, `skip_verbs` and `no_verbs` leave, before
    /// `readonly` and `status` take theirs away: a method in this set but not
    /// in `verbs` gets a gated stub that explains what is missing.
    pub rule_verbs: Verbs,
    /// Where `readonly` was written, if it was.
    pub readonly: Option<proc_macro2::Span>,
    pub methods: Vec<MethodModel>,
    /// Generate `crd()` (not for the core group nor with `no_crd`).
    pub crd: bool,
    /// The `metadata` field's type, used to span a type mismatch on it.
    pub metadata_ty: Option<syn::Type>,
    /// The keys that shape `crd()` (`crd.rs`).
    pub crd_attrs: crate::crd::CrdAttrs,
}

fn val(v: &Option<Sp<String>>) -> Option<String> {
    v.as_ref().map(|s| s.value.clone())
}

fn list(v: &Option<Sp<Vec<Sp<String>>>>) -> Vec<String> {
    v.as_ref()
        .map(|l| l.value.iter().map(|s| s.value.clone()).collect())
        .unwrap_or_default()
}

/// The runtime crate's path: `crate = ".."` or `::client_core`.
pub fn crate_path(krate: &Option<Sp<syn::Path>>) -> syn::Path {
    match krate {
        Some(p) => p.value.clone(),
        None => syn::parse_quote!(::client_core),
    }
}

/// The verbs that `only_verbs`, `skip_verbs` and `no_verbs` leave, ignoring
/// `readonly` and `status`.
pub fn rule_verbs(attrs: &ResourceAttrs) -> Verbs {
    let verbs = if attrs.no_verbs.is_some() {
        Verbs::NONE
    } else if let Some(only) = &attrs.only_verbs {
        only.value
            .iter()
            .fold(Verbs::NONE, |set, v| set.with(v.value))
    } else {
        Verbs::ALL
    };
    match &attrs.skip_verbs {
        Some(skip) => skip.value.iter().fold(verbs, |set, v| set.without(v.value)),
        None => verbs,
    }
}

/// The verbs that `readonly`, `only_verbs`, `skip_verbs`, `no_verbs` and `status` leave.
pub fn allowed_verbs(attrs: &ResourceAttrs) -> Verbs {
    let mut verbs = if attrs.no_verbs.is_some() {
        Verbs::NONE
    } else if let Some(only) = &attrs.only_verbs {
        only.value
            .iter()
            .fold(Verbs::NONE, |set, v| set.with(v.value))
    } else if attrs.readonly.is_some() {
        Verb::ALL
            .into_iter()
            .filter(|v| v.is_read())
            .fold(Verbs::NONE, Verbs::with)
    } else {
        Verbs::ALL
    };
    if let Some(skip) = &attrs.skip_verbs {
        verbs = skip.value.iter().fold(verbs, |set, v| set.without(v.value));
    }
    if attrs.status.is_none() {
        verbs = Verb::ALL
            .into_iter()
            .filter(|v| v.needs_status())
            .fold(verbs, Verbs::without);
    }
    verbs
}

fn column(c: &ColumnAttr) -> ColumnModel {
    ColumnModel {
        name: val(&c.name).unwrap_or_default(),
        ty: val(&c.ty).unwrap_or_default(),
        json_path: val(&c.json_path).unwrap_or_default(),
        priority: c.priority.as_ref().map_or(0, |p| p.value),
        description: val(&c.description),
        format: val(&c.format),
    }
}

fn method(m: &MethodAttr, self_ty: &syn::Type) -> Option<MethodModel> {
    let name = m.name.as_ref()?;
    Some(MethodModel {
        name: syn::parse_str::<Ident>(&name.value).ok().map(|mut i| {
            i.set_span(name.span);
            i
        })?,
        verb: m.verb.as_ref()?.value?,
        subresource: val(&m.subresource)?,
        input: m.input.clone().unwrap_or_else(|| self_ty.clone()),
        result: m.result.clone().unwrap_or_else(|| self_ty.clone()),
    })
}

/// Applies defaults to the parsed attributes. Values are taken as given: call
/// this only once `check` has accepted them (or to build a stub on error).
pub fn build(input: &DeriveInput, attrs: &ResourceAttrs, shape: &Shape) -> ResourceModel {
    let ident = input.ident.clone();
    let kind =
        val(&attrs.kind).unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
    let plural = val(&attrs.plural).unwrap_or_else(|| default_plural(&kind));
    let singular = val(&attrs.singular).unwrap_or_else(|| kind.to_ascii_lowercase());
    let self_ty: syn::Type = syn::parse_quote!(#ident);
    ResourceModel {
        vis: input.vis.clone(),
        krate: crate_path(&attrs.krate),
        group: val(&attrs.group).unwrap_or_default(),
        version: val(&attrs.version).unwrap_or_else(|| "v1".to_owned()),
        kind,
        plural,
        singular,
        short_names: list(&attrs.short_names),
        categories: list(&attrs.categories),
        namespaced: attrs.cluster.is_none(),
        status: attrs.status.is_some(),
        scale: attrs.scale.as_ref().map(|s| ScaleModel {
            spec_replicas_path: val(&s.value.spec_replicas_path).unwrap_or_default(),
            status_replicas_path: val(&s.value.status_replicas_path).unwrap_or_default(),
            label_selector_path: val(&s.value.label_selector_path),
        }),
        columns: attrs.printer_columns.iter().map(column).collect(),
        verbs: allowed_verbs(attrs),
        rule_verbs: rule_verbs(attrs),
        readonly: attrs.readonly,
        methods: attrs
            .methods
            .iter()
            .filter_map(|m| method(m, &self_ty))
            .collect(),
        crd: attrs.no_crd.is_none() && !val(&attrs.group).unwrap_or_default().is_empty(),
        metadata_ty: shape.metadata_ty.clone(),
        crd_attrs: attrs.crd.clone(),
        ident,
    }
}

/// One resource getter of a Clientset.
pub struct GetterModel {
    /// The resource type, as written.
    pub path: syn::Path,
    /// The getter's name: `Type = "plural"`, or the default plural of the
    /// type's name (spanned on the type then).
    pub plural: Sp<String>,
    /// The getter's name: the plural, or with `snake_case_getters` the
    /// kind's words pluralised (`cluster_roles`) unless a plural is written.
    pub getter: Sp<String>,
    /// Listed in `resources(..)` rather than `cluster_resources(..)`.
    pub namespaced: bool,
}

impl GetterModel {
    /// The type's last path segment (`CronTab` for `api::CronTab`).
    pub fn type_name(&self) -> String {
        last_ident(&self.path)
    }
}

/// One group-version of a Clientset.
pub struct GroupVersionModel {
    pub group: Sp<String>,
    pub version: Sp<String>,
    /// The accessor method: `name = ".."` (spanned there), or the group's
    /// first label and the version (spanned on the group).
    pub accessor: Sp<String>,
    /// Whether the accessor was given with `name = ".."`.
    pub named: bool,
    pub getters: Vec<GetterModel>,
}

/// A Clientset with every default applied.
pub struct ClientsetModel {
    pub ident: Ident,
    pub vis: syn::Visibility,
    /// The type of the struct's one unnamed field, when it has exactly one.
    pub field_ty: Option<syn::Type>,
    pub krate: syn::Path,
    /// One per `#[clientset(..)]` that names both a group and a version.
    pub group_versions: Vec<GroupVersionModel>,
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

fn getter_models(
    entries: &[ClientsetEntry],
    namespaced: bool,
    snake_case: bool,
) -> Vec<GetterModel> {
    entries
        .iter()
        .map(|e| {
            let plural = e
                .plural
                .clone()
                .unwrap_or_else(|| Sp::new(default_plural(&last_ident(&e.path)), e.path.span()));
            let getter = match &e.plural {
                None if snake_case => Sp::new(
                    default_plural(&camel_to_snake(&last_ident(&e.path))),
                    e.path.span(),
                ),
                _ => plural.clone(),
            };
            GetterModel {
                plural,
                getter,
                path: e.path.clone(),
                namespaced,
            }
        })
        .collect()
}

/// Applies defaults to the parsed `#[clientset(..)]`s: accessor names,
/// plurals, the runtime crate (the first `crate = ".."` given).
pub fn clientset(input: &DeriveInput, attrs: &[ClientsetAttr]) -> ClientsetModel {
    let field_ty = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| f.ty.clone()),
            _ => None,
        },
        _ => None,
    };
    let krate = attrs.iter().find_map(|a| a.krate.clone());
    // Like `crate`, said once and true for the whole clientset.
    let snake = attrs.iter().any(|a| a.snake_case_getters.is_some());
    let group_versions = attrs
        .iter()
        .filter_map(|a| {
            let (group, version) = (a.group.clone()?, a.version.clone()?);
            let accessor = a.name.clone().unwrap_or_else(|| {
                Sp::new(
                    group_version_accessor(&group.value, &version.value),
                    group.span,
                )
            });
            let mut getters = getter_models(&a.resources, true, snake);
            getters.extend(getter_models(&a.cluster_resources, false, snake));
            Some(GroupVersionModel {
                named: a.name.is_some(),
                group,
                version,
                accessor,
                getters,
            })
        })
        .collect();
    ClientsetModel {
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        field_ty,
        krate: crate_path(&krate),
        group_versions,
    }
}
