#!/usr/bin/env python3
"""Regenerate the processed Kubernetes 1.33 reference tables.

Standard library only (Python 3.11). Reads the vendored raw inputs under
data/kubernetes-1.33/ and writes:

  resources.json   one entry per served resource, from discovery/
  patch-keys.json  strategic-merge / apply list and map keys, from _definitions.json

Output is deterministic (sorted keys, stable order, trailing newline), so
running this twice, or on an unchanged checkout, gives a zero diff.

Usage: python3 tools/k8s-data/gen.py [--check] [DATA_DIR]

--check writes nothing and exits 1 if a processed file differs from what
the raw inputs give (for CI).
"""

import json
import sys
from pathlib import Path

PATCH_EXTENSIONS = (
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
)


def render(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# patch-keys.json


def collect_extensions(schema, path, out):
    """Walk one definition's schema, recording every node that carries a
    patch/list/map extension. `path` is the field path inside the
    definition: "." for the definition itself, "spec.containers" for a
    property, "[]" for array items, "{}" for map values."""
    if not isinstance(schema, dict):
        return
    found = {k: schema[k] for k in PATCH_EXTENSIONS if k in schema}
    if found:
        out[path] = found

    def child(suffix):
        return suffix if path == "." else f"{path}.{suffix}"

    for name, sub in sorted(schema.get("properties", {}).items()):
        collect_extensions(sub, child(name), out)
    if isinstance(schema.get("items"), dict):
        collect_extensions(schema["items"], child("[]"), out)
    if isinstance(schema.get("additionalProperties"), dict):
        collect_extensions(schema["additionalProperties"], child("{}"), out)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator, []):
            collect_extensions(sub, path, out)


def gen_patch_keys(data_dir: Path) -> dict:
    raw = json.loads((data_dir / "_definitions.json").read_text(encoding="utf-8"))
    defs = raw["$defs"]
    definitions = {}
    gvk = {}
    for name in sorted(defs):
        fields = {}
        collect_extensions(defs[name], ".", fields)
        if fields:
            definitions[name] = fields
        for entry in defs[name].get("x-kubernetes-group-version-kind", []):
            group, version, kind = entry["group"], entry["version"], entry["kind"]
            api_version = f"{group}/{version}" if group else version
            key = f"{api_version}/{kind}"
            if gvk.get(key, name) != name:
                raise ValueError(f"{key} is claimed by {gvk[key]} and {name}")
            gvk[key] = name
    return {
        "source": "kubernetes-validate 1.37.0 (PyPI), kubernetes-json-schema/v1.33.0-local/_definitions.json",
        "definitions": definitions,
        # apiVersion/Kind -> the one definition that carries it.
        "gvk": gvk,
    }


# --------------------------------------------------------------------------
# resources.json


def resources_from_aggregated(doc, source):
    """Flatten an apidiscovery.k8s.io/v2 APIGroupDiscoveryList."""
    out = []
    for group in doc.get("items", []):
        group_name = group.get("metadata", {}).get("name", "")
        versions = group.get("versions", [])
        for rank, ver in enumerate(versions):
            for res in ver.get("resources", []):
                kind = res.get("responseKind", {})
                subs = []
                for sub in res.get("subresources", []):
                    sk = sub.get("responseKind", {})
                    # An empty group and version in a subresource's
                    # responseKind mean "the parent's": spelt out here.
                    same = not sk.get("group") and not sk.get("version")
                    subs.append(
                        {
                            "name": sub.get("subresource", ""),
                            "group": group_name if same else sk.get("group", ""),
                            "version": ver.get("version", "") if same else sk.get("version", ""),
                            "kind": sk.get("kind", ""),
                            "verbs": sorted(sub.get("verbs", [])),
                        }
                    )
                out.append(
                    {
                        "group": group_name,
                        "version": ver.get("version", ""),
                        "preferred": rank == 0,
                        "kind": kind.get("kind", ""),
                        "name": res.get("resource", ""),
                        "singularName": res.get("singularResource", ""),
                        "namespaced": res.get("scope") == "Namespaced",
                        "verbs": sorted(res.get("verbs", [])),
                        "shortNames": list(res.get("shortNames", [])),
                        "categories": list(res.get("categories", [])),
                        "subresources": sorted(subs, key=lambda s: s["name"]),
                        "source": source,
                    }
                )
    return out


def resources_from_list(doc, source, preferred):
    """Flatten a meta/v1 APIResourceList (e.g. api__v1.json)."""
    group_version = doc.get("groupVersion", "")
    group, _, version = group_version.rpartition("/")
    top = {}
    subs = {}
    for res in doc.get("resources", []):
        name = res.get("name", "")
        if "/" in name:
            parent, sub = name.split("/", 1)
            same = "group" not in res and "version" not in res
            subs.setdefault(parent, []).append(
                {
                    "name": sub,
                    "group": group if same else res.get("group", ""),
                    "version": version if same else res.get("version", ""),
                    "kind": res.get("kind", ""),
                    "verbs": sorted(res.get("verbs", [])),
                }
            )
        else:
            top[name] = res
    out = []
    for name, res in top.items():
        out.append(
            {
                "group": group,
                "version": version,
                "preferred": preferred,
                "kind": res.get("kind", ""),
                "name": name,
                "singularName": res.get("singularName", ""),
                "namespaced": bool(res.get("namespaced")),
                "verbs": sorted(res.get("verbs", [])),
                "shortNames": list(res.get("shortNames", [])),
                "categories": list(res.get("categories", [])),
                "subresources": sorted(subs.get(name, []), key=lambda s: s["name"]),
                "source": source,
            }
        )
    return out


def gen_resources(data_dir: Path, gvk_names) -> dict:
    disc = data_dir / "discovery"
    entries = []
    seen = set()
    agg = disc / "aggregated_v2.json"
    if agg.exists():
        doc = json.loads(agg.read_text(encoding="utf-8"))
        entries += resources_from_aggregated(doc, agg.name)
    core = disc / "api__v1.json"
    if core.exists():
        doc = json.loads(core.read_text(encoding="utf-8"))
        entries += resources_from_list(doc, core.name, True)
    unique = []
    for e in entries:
        key = (e["group"], e["version"], e["name"])
        if key in seen:
            continue
        seen.add(key)
        unique.append(e)
    unique.sort(key=lambda e: (e["group"], e["version"], e["name"]))

    # Cross-check against the 1.33 kinds of the definitions file: kinds
    # k8s-openapi 1.33 knows but the vendored discovery does not serve
    # (as a resource or as a subresource's kind), and the reverse. List
    # kinds and the meta kinds every group-version carries are not
    # resources.
    def api_version(group, version):
        return f"{group}/{version}" if group else version

    served = set()
    for e in unique:
        served.add(f"{api_version(e['group'], e['version'])}/{e['kind']}")
        for s in e["subresources"]:
            served.add(f"{api_version(s['group'], s['version'])}/{s['kind']}")
    meta_kinds = {"APIGroup", "APIGroupList", "APIResourceList", "APIVersions", "DeleteOptions", "Status", "WatchEvent"}
    defined = {k for k in gvk_names if not k.endswith("List") and k.rsplit("/", 1)[1] not in meta_kinds}
    top_level = {f"{api_version(e['group'], e['version'])}/{e['kind']}" for e in unique}
    group_versions = sorted({(e["group"], e["version"]) for e in unique})
    return {
        "resources": unique,
        "counts": {
            "groupVersions": len(group_versions),
            "resources": len(unique),
            "withStatus": sum(1 for e in unique if any(s["name"] == "status" for s in e["subresources"])),
            "withScale": sum(1 for e in unique if any(s["name"] == "scale" for s in e["subresources"])),
            "subresources": sum(len(e["subresources"]) for e in unique),
        },
        "crossCheck": {
            "note": "apiVersion/Kind present in _definitions.json (1.33) but not served by the vendored discovery, and the reverse",
            "definedNotServed": sorted(defined - served),
            # Subresource kinds with no schema of their own (e.g. the
            # *Options of exec/attach/proxy) are expected here.
            "servedNotDefined": sorted(served - set(gvk_names)),
            "servedNotDefinedTopLevel": sorted(top_level - set(gvk_names)),
        },
    }


def main() -> int:
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root = Path(__file__).resolve().parents[2]
    data_dir = Path(args[0]) if args else root / "data" / "kubernetes-1.33"
    patch = gen_patch_keys(data_dir)
    outputs = {
        "patch-keys.json": render(patch),
        "resources.json": render(gen_resources(data_dir, patch["gvk"])),
    }
    stale = []
    for name, text in outputs.items():
        path = data_dir / name
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run tools/k8s-data/gen.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
