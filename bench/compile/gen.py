#!/usr/bin/env python3
"""Writes the 20 custom resources of the compile-time comparison (issue 17)
for both sides from one table: `ours/src/lib.rs` + `ours/src/main.rs`
(client-core's `#[derive(Resource)]` and one `#[derive(Clientset)]`) and
`kube/src/lib.rs` + `kube/src/main.rs` (kube's `#[derive(CustomResource)]`
and `Api<K>`). Both sides get the same spec and status structs, with a
schemars schema, as a CRD crate that publishes its CRDs has.

Run from anywhere: `python3 bench/compile/gen.py`. Stdlib only.
"""

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# (kind, group, namespaced, has status)
KINDS = [
    ("CronTab", "batch.example.com", True, True),
    ("Widget", "batch.example.com", True, True),
    ("Pipeline", "batch.example.com", True, True),
    ("Schedule", "batch.example.com", True, False),
    ("Runner", "batch.example.com", True, True),
    ("Database", "data.example.com", True, True),
    ("Backup", "data.example.com", True, True),
    ("Restore", "data.example.com", True, True),
    ("Bucket", "data.example.com", True, False),
    ("Snapshot", "data.example.com", True, True),
    ("Gateway", "net.example.com", True, True),
    ("Route", "net.example.com", True, True),
    ("Certificate", "net.example.com", True, True),
    ("Tunnel", "net.example.com", True, False),
    ("Firewall", "net.example.com", True, True),
    ("Tenant", "infra.example.com", False, True),
    ("Cluster", "infra.example.com", False, True),
    ("Region", "infra.example.com", False, False),
    ("Quota", "infra.example.com", False, True),
    ("Zone", "infra.example.com", False, True),
]

# The spec's fields: (field name, Rust type; `{K}` is the kind's name).
# Each kind takes 8 of them, starting at a different offset, so the kinds
# differ while every one has strings, integers, options, vectors, maps and
# nested structs.
SPEC_FIELDS = [
    ("image", "String"),
    ("replicas", "i32"),
    ("suspend", "bool"),
    ("description", "Option<String>"),
    ("max_retries", "Option<i32>"),
    ("args", "Vec<String>"),
    ("selector", "BTreeMap<String, String>"),
    ("ports", "Vec<{K}Port>"),
    ("resources", "Option<{K}Resources>"),
    ("timeout_seconds", "i64"),
    ("owner", "String"),
    ("env", "Vec<{K}EnvVar>"),
    ("annotations_to_copy", "BTreeMap<String, String>"),
    ("priority", "Option<i64>"),
]


def spec_fields(i):
    """The 8 spec fields of the kind at index `i`."""
    n = len(SPEC_FIELDS)
    return [SPEC_FIELDS[(i + j) % n] for j in range(8)]


def plural(kind):
    """The default lowercase plural, as both derives make it."""
    low = kind.lower()
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    if low.endswith("y") and low[-2] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def nested_types(k, derives):
    """The nested structs every kind uses (ports, resources, env, conditions)."""
    d = f"#[derive({derives})]\n#[serde(rename_all = \"camelCase\")]\n"
    return f"""
/// A port of a [`{k}`].
{d}pub struct {k}Port {{
    /// The port's name.
    pub name: String,
    /// The port number.
    pub port: i32,
    /// TCP or UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}}

/// Requests and limits of a [`{k}`].
{d}pub struct {k}Resources {{
    /// Requested quantities by resource name.
    #[serde(default)]
    pub requests: BTreeMap<String, String>,
    /// Limits by resource name.
    #[serde(default)]
    pub limits: BTreeMap<String, String>,
}}

/// An environment variable of a [`{k}`].
{d}pub struct {k}EnvVar {{
    /// The variable's name.
    pub name: String,
    /// Its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}}
"""


def spec_struct(k, i, derives, kube_attr):
    lines = [f"/// The desired state of a [`{k}`].", f"#[derive({derives})]"]
    lines += kube_attr
    lines.append('#[serde(rename_all = "camelCase")]')
    lines.append(f"pub struct {k}Spec {{")
    for name, ty in spec_fields(i):
        ty = ty.replace("{K}", k)
        lines.append(f"    /// The `{name}` setting.")
        if ty.startswith("Option<"):
            lines.append('    #[serde(default, skip_serializing_if = "Option::is_none")]')
        elif ty.startswith(("Vec<", "BTreeMap<")) or ty in ("i32", "i64", "bool"):
            lines.append("    #[serde(default)]")
        lines.append(f"    pub {name}: {ty},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def status_struct(k, derives):
    d = f"#[derive({derives})]\n#[serde(rename_all = \"camelCase\")]\n"
    return f"""
/// The observed state of a [`{k}`].
{d}pub struct {k}Status {{
    /// The generation the controller last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready copies.
    #[serde(default)]
    pub ready_replicas: i32,
    /// A human-readable phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The latest observations.
    #[serde(default)]
    pub conditions: Vec<{k}Condition>,
}}

/// One condition of a [`{k}`]'s status.
{d}pub struct {k}Condition {{
    /// The condition's type.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False or Unknown.
    pub status: String,
    /// Why, in one word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}}
"""


HEADER = "// @generated by bench/compile/gen.py from its table: edit that, not this.\n"
PLAIN = "JsonSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize"


def ours_kinds():
    out = [HEADER, "//! The 20 custom resources, with client-core's derive.\n"]
    out.append("use std::collections::BTreeMap;\n")
    out.append("use schemars::JsonSchema;")
    out.append("use client_core::{Clientset, ObjectMeta, Resource, RestClient};")
    out.append("use serde::{Deserialize, Serialize};\n")
    for i, (k, g, ns, st) in enumerate(KINDS):
        flags = ["namespaced"] if ns else ["cluster"]
        if st:
            flags.append("status")
        flags.append("schema")
        out.append(f"/// The `{k}` custom resource.")
        out.append("#[derive(Resource, JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]")
        out.append(f'#[resource(group = "{g}", version = "v1", kind = "{k}", {", ".join(flags)})]')
        out.append(f"pub struct {k} {{")
        out.append("    /// Standard object metadata.")
        out.append("    pub metadata: ObjectMeta,")
        out.append("    /// What the user wants.")
        out.append(f"    pub spec: {k}Spec,")
        if st:
            out.append("    /// What the controller observed.")
            out.append('    #[serde(default, skip_serializing_if = "Option::is_none")]')
            out.append(f"    pub status: Option<{k}Status>,")
        out.append("}\n")
        out.append(spec_struct(k, i, PLAIN, []))
        out.append(nested_types(k, PLAIN))
        if st:
            out.append(status_struct(k, PLAIN))
    out.append("/// The typed clients of the 20 kinds, by group.")
    out.append("#[derive(Clientset)]")
    for g in groups():
        nsk = [k for (k, gg, ns, _) in KINDS if gg == g and ns]
        clk = [k for (k, gg, ns, _) in KINDS if gg == g and not ns]
        parts = [f'api_version = "{g}/v1"']
        if nsk:
            parts.append(f"resources({', '.join(nsk)})")
        if clk:
            parts.append(f"cluster_resources({', '.join(clk)})")
        out.append(f"#[clientset({', '.join(parts)})]")
    out.append("pub struct Clientset(RestClient);")
    return "\n".join(out) + "\n"


def kube_kinds():
    out = [HEADER, "//! The 20 custom resources, with kube's derive.\n"]
    out.append("use std::collections::BTreeMap;\n")
    out.append("use kube::CustomResource;")
    out.append("use schemars::JsonSchema;")
    out.append("use serde::{Deserialize, Serialize};\n")
    for i, (k, g, ns, st) in enumerate(KINDS):
        attr = f'#[kube(group = "{g}", version = "v1", kind = "{k}"'
        if ns:
            attr += ", namespaced"
        if st:
            attr += f', status = "{k}Status"'
        attr += ")]"
        out.append(spec_struct(k, i, "CustomResource, " + PLAIN, [attr]))
        out.append(nested_types(k, PLAIN))
        if st:
            out.append(status_struct(k, PLAIN))
    return "\n".join(out) + "\n"


def groups():
    seen = []
    for (_, g, _, _) in KINDS:
        if g not in seen:
            seen.append(g)
    return seen


def accessor(g):
    return g.split(".")[0] + "_v1"


def ours_main():
    out = [HEADER, "//! Uses every derived client, so that its code is generated and compiled:"]
    out.append("//! the requests run only with `--run` against a real cluster.\n")
    out.append("use client_core::{CreateOptions, DeleteOptions, GetOptions, ListOptions, UpdateOptions};")
    out.append("use compile_ours::*;\n")
    out.append("type BoxError = Box<dyn std::error::Error + Send + Sync>;\n")
    out.append("#[tokio::main(flavor = \"current_thread\")]")
    out.append("async fn main() -> Result<(), BoxError> {")
    out.append("    let mut crds = 0usize;")
    for (k, _, _, _) in KINDS:
        out.append(f"    crds += {k}::crd()?.spec.versions.len();")
    out.append('    println!("{crds} CRD versions");')
    out.append('    if std::env::args().nth(1).as_deref() != Some("--run") {')
    out.append("        return Ok(());")
    out.append("    }")
    out.append("    let cs = Clientset::from_config(client_core::Config::infer().await?)?;")
    for (k, g, ns, st) in KINDS:
        p = plural(k)
        getter = f"cs.{accessor(g)}().{p}(\"default\")" if ns else f"cs.{accessor(g)}().{p}()"
        v = k.lower()
        out.append(f"    let {v} = {getter};")
        out.append(f"    let list = {v}.list(&ListOptions::default()).await?;")
        out.append(f'    let obj = {v}.get("a", &GetOptions::default()).await?;')
        out.append(f"    {v}.create(&obj, &CreateOptions::default()).await?;")
        out.append(f"    {v}.update(&obj, &UpdateOptions::default()).await?;")
        if st:
            out.append(f"    {v}.update_status(&obj, &UpdateOptions::default()).await?;")
        out.append(f'    {v}.delete("a", &DeleteOptions::default()).await?;')
        out.append(f'    println!("{{}} {p}", list.items.len());')
    out.append("    Ok(())")
    out.append("}")
    return "\n".join(out) + "\n"


def kube_main():
    out = [HEADER, "//! Uses every derived kind through `Api<K>`, so that its code is generated"]
    out.append("//! and compiled: the requests run only with `--run` against a real cluster.\n")
    out.append("use compile_kube::*;")
    out.append("use kube::api::{Api, DeleteParams, ListParams, PostParams};")
    out.append("use kube::{Client, CustomResourceExt};\n")
    out.append("type BoxError = Box<dyn std::error::Error + Send + Sync>;\n")
    out.append("#[tokio::main(flavor = \"current_thread\")]")
    out.append("async fn main() -> Result<(), BoxError> {")
    out.append("    let mut crds = 0usize;")
    for (k, _, _, _) in KINDS:
        out.append(f"    crds += {k}::crd().spec.versions.len();")
    out.append('    println!("{crds} CRD versions");')
    out.append('    if std::env::args().nth(1).as_deref() != Some("--run") {')
    out.append("        return Ok(());")
    out.append("    }")
    out.append("    let client = Client::try_default().await?;")
    for (k, _, ns, st) in KINDS:
        p = plural(k)
        v = k.lower()
        if ns:
            out.append(f'    let {v}: Api<{k}> = Api::namespaced(client.clone(), "default");')
        else:
            out.append(f"    let {v}: Api<{k}> = Api::all(client.clone());")
        out.append(f"    let list = {v}.list(&ListParams::default()).await?;")
        out.append(f'    let obj = {v}.get("a").await?;')
        out.append(f"    {v}.create(&PostParams::default(), &obj).await?;")
        out.append(f'    {v}.replace("a", &PostParams::default(), &obj).await?;')
        if st:
            out.append(f'    {v}.replace_status("a", &PostParams::default(), &obj).await?;')
        out.append(f'    {v}.delete("a", &DeleteParams::default()).await?;')
        out.append(f'    println!("{{}} {p}", list.items.len());')
    out.append("    Ok(())")
    out.append("}")
    return "\n".join(out) + "\n"


def write(rel, text):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    files = {
        "ours/src/lib.rs": ours_kinds(),
        "ours/src/main.rs": ours_main(),
        "kube/src/lib.rs": kube_kinds(),
        "kube/src/main.rs": kube_main(),
    }
    for rel, text in files.items():
        write(rel, text)
    # Tidy the output when rustfmt is at hand; the build does not need it.
    paths = [os.path.join(HERE, rel) for rel in files]
    try:
        subprocess.run(["rustfmt", "--edition", "2024", *paths], check=False)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    main()
