#!/usr/bin/env python3
"""Build the protobuf message table the test server decodes request bodies with.

Standard library only (Python 3.11). Reads the vendored files under
data/kubernetes-1.33/protobuf/ (the published generated.proto of every
group-version the 1.33 catalog serves, and the Go types.go files they were
generated from) and writes data/kubernetes-1.33/protobuf.json:

  messages  every proto message: its fields by number, each with the JSON
            name Go's encoding/json gives it and the Go facts that decide
            what that encoding omits (omitempty, pointer, inline)
  kinds     apiVersion/Kind -> message, for the `k8s\\0` envelope

Why the Go files too: the .proto files name fields after their JSON names
only where that name is a valid identifier (JSONSchemaProps' `$ref` is
`ref`, `x-kubernetes-list-type` is `xKubernetesListType`), never say which
fields are inlined (`json:",inline"`), and cannot tell a pointer field
(`*int32 replicas`, where an explicit 0 is kept) from a plain one (`int32
minReadySeconds`, where omitempty drops a 0). The struct tags say all three.

Output is deterministic (sorted keys, one message a line, trailing newline).

Usage: python3 tools/k8s-data/gen_protobuf.py [--check] [DATA_DIR]

--check writes nothing and exits 1 if protobuf.json differs from what the
vendored files give (for CI).
"""

import json
import re
import sys
from pathlib import Path

SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float"}

# Messages whose JSON form is not their fields (custom MarshalJSON in Go);
# the server decodes them by name. Listed so the Go-struct check skips them.
SPECIAL = {
    "k8s.io.apimachinery.pkg.api.resource.Quantity",
    "k8s.io.apimachinery.pkg.api.resource.QuantityValue",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Timestamp",
    "k8s.io.apimachinery.pkg.runtime.RawExtension",
    "k8s.io.apimachinery.pkg.runtime.Unknown",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
}

# Definition-name prefixes of _definitions.json / patch-keys.json and the
# proto packages they correspond to.
DEFINITION_TO_PROTO = (
    ("io.k8s.api.", "k8s.io.api."),
    ("io.k8s.apimachinery.", "k8s.io.apimachinery."),
    ("io.k8s.apiextensions-apiserver.", "k8s.io.apiextensions_apiserver."),
    ("io.k8s.kube-aggregator.", "k8s.io.kube_aggregator."),
)

FIELD_RE = re.compile(r"^(optional|repeated|required)\s+(\S+)\s+(\w+)\s*=\s*(\d+)\s*;$")
MAP_RE = re.compile(r"^map<\s*(\w+)\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;$")
GO_FIELD_RE = re.compile(r"^(\S+)(?:\s+(\S+))?\s+`([^`]*)`$")
GO_TAG_RE = re.compile(r'(\w+):"([^"]*)"')


class GenError(Exception):
    pass


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def parse_proto(path: Path):
    """(package, {message: [(label, type, name, number)]}) of one file."""
    text = strip_comments(path.read_text())
    m = re.search(r"^package\s+([\w.]+)\s*;", text, re.M)
    if not m:
        raise GenError(f"{path}: no package")
    package = m.group(1)
    messages = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if current is None:
            mm = re.match(r"^message\s+(\w+)\s*\{$", line)
            if mm:
                current = mm.group(1)
                messages[current] = []
            elif line.startswith(("enum ", "oneof ", "service ", "extend ")):
                raise GenError(f"{path}: unsupported construct {line!r}")
            continue
        if line == "}":
            current = None
            continue
        fm = FIELD_RE.match(line)
        if fm:
            label, ty, name, number = fm.groups()
            messages[current].append(("r" if label == "repeated" else "s", ty, None, name, int(number)))
            continue
        mm = MAP_RE.match(line)
        if mm:
            key, value, name, number = mm.groups()
            if key != "string":
                raise GenError(f"{path}: map key {key} in {current}.{name}")
            messages[current].append(("m", value, key, name, int(number)))
            continue
        raise GenError(f"{path}: cannot read {line!r} in message {current}")
    return package, messages


def parse_go(paths):
    """The Go declarations of one package: `structs` (name -> proto number ->
    the field's JSON facts), `slices` (names of `type X []T`) and `aliases`
    (`type X pkg.Y`: name -> (import path, Y))."""
    structs = {}
    slices = set()
    aliases = {}
    for path in paths:
        text = strip_comments(path.read_text())
        slices.update(re.findall(r"^type\s+(\w+)\s+\[\]", text, re.M))
        imports = {}
        for block in re.findall(r"^import\s*\((.*?)\)", text, re.M | re.S):
            for alias, imp in re.findall(r'^\s*(\w+)?\s*"([^"]+)"', block, re.M):
                imports[alias or imp.rsplit("/", 1)[-1]] = imp
        for name, pkg, target in re.findall(r"^type\s+(\w+)\s+=?\s*(\w+)\.(\w+)\s*$", text, re.M):
            if pkg in imports:
                aliases[name] = (imports[pkg], target)
        for m in re.finditer(r"^type\s+(\w+)\s+struct\s*\{\n(.*?)^\}", text, re.M | re.S):
            fields = {}
            for raw in m.group(2).splitlines():
                line = raw.strip()
                fm = GO_FIELD_RE.match(line)
                if not fm:
                    continue
                name, ty, tag = fm.groups()
                go_type = ty if ty is not None else name
                tags = dict(GO_TAG_RE.findall(tag))
                if "protobuf" not in tags:
                    continue
                parts = tags["protobuf"].split(",")
                number = int(parts[1])
                proto_name = next((p[5:] for p in parts if p.startswith("name=")), None)
                json_tag = tags.get("json", "").split(",")
                json_name = json_tag[0]
                fields[number] = {
                    "json": json_name,
                    "omitempty": "omitempty" in json_tag[1:],
                    "inline": "inline" in json_tag[1:] or (ty is None and json_name == ""),
                    "pointer": go_type.startswith("*"),
                    "proto": proto_name,
                    "skip": json_name == "-",
                }
            structs[m.group(1)] = fields
        for name in re.findall(r"^type\s+(\w+)\s+struct\s*\{\s*\}", text, re.M):
            structs[name] = {}
    return {"structs": structs, "slices": slices, "aliases": aliases}


def go_struct(go_by_dir, directory: str, name: str, depth: int = 0):
    """The fields of Go struct `name` in package `directory`, through aliases."""
    decls = go_by_dir.get(directory)
    if decls is None or depth > 4:
        return None
    if name in decls["structs"]:
        return decls["structs"][name]
    if name in decls["aliases"]:
        imp, target = decls["aliases"][name]
        return go_struct(go_by_dir, imp, target, depth + 1)
    return None


def resolve(ty: str, package: str, known) -> str:
    if ty in SCALARS:
        return ty
    full = ty[1:] if ty.startswith(".") else f"{package}.{ty}"
    if full not in known:
        raise GenError(f"unknown type {ty} in package {package}")
    return full


def gen_protobuf(data_dir: Path):
    root = data_dir / "protobuf"
    protos = sorted(root.rglob("generated.proto"))
    if not protos:
        raise GenError(f"no generated.proto under {root}")
    parsed = []
    for p in protos:
        package, messages = parse_proto(p)
        go_files = sorted(f for f in p.parent.glob("*.go"))
        parsed.append((p.parent.relative_to(root).as_posix(), package, messages, go_files))
    known = {f"{pkg}.{name}" for _, pkg, msgs, _ in parsed for name in msgs}
    go_by_dir = {d: parse_go(files) for d, _, _, files in parsed}

    out = {}
    for directory, package, messages, go_files in parsed:
        slices = go_by_dir[directory]["slices"]
        for name, fields in messages.items():
            full = f"{package}.{name}"
            entry = {}
            if full in SPECIAL:
                entry["special"] = True
            elif name in slices:
                if [(f[0], f[3], f[4]) for f in fields] != [("r", "items", 1)]:
                    raise GenError(f"{full}: a Go slice type whose message is not `repeated items = 1`")
                entry["list"] = True
            go = go_struct(go_by_dir, directory, name) if full not in SPECIAL and "list" not in entry else None
            if go is None and full not in SPECIAL and "list" not in entry:
                raise GenError(f"{full}: no Go struct in {[str(g) for g in go_files]}")
            rows = []
            for kind, ty, key, pname, number in fields:
                flags = ""
                json_name = pname
                if go is not None:
                    info = go.get(number)
                    if info is None:
                        raise GenError(f"{full}.{pname} = {number}: no Go field with that protobuf number")
                    if info["proto"] is not None and info["proto"] != pname:
                        raise GenError(f"{full}.{pname}: Go's protobuf tag names it {info['proto']}")
                    if info["skip"]:
                        continue
                    json_name = info["json"]
                    if info["inline"]:
                        json_name = ""
                        flags += "i"
                    if info["omitempty"]:
                        flags += "o"
                    if info["pointer"]:
                        flags += "p"
                rows.append([number, json_name, kind, resolve(ty, package, known), flags])
            entry["fields"] = sorted(rows)
            out[full] = entry

    kinds = {}
    patch_keys = json.loads((data_dir / "patch-keys.json").read_text())
    package_of = {}
    for api_kind, definition in patch_keys["gvk"].items():
        api_version, kind = api_kind.rsplit("/", 1)
        for def_prefix, proto_prefix in DEFINITION_TO_PROTO:
            if definition.startswith(def_prefix):
                message = proto_prefix + definition[len(def_prefix):]
                break
        else:
            raise GenError(f"{definition}: no proto package for this prefix")
        if message in out:
            kinds[api_kind] = message
            if not message.startswith("k8s.io.apimachinery."):
                package_of.setdefault(api_version, message.rsplit(".", 1)[0])
    # Served kinds without a definition (the connect options) by package.
    resources = json.loads((data_dir / "resources.json").read_text())["resources"]
    missing = []
    for r in resources:
        entries = [(r["group"], r["version"], r["kind"])] + [
            (s["group"], s["version"], s["kind"]) for s in r["subresources"]
        ]
        for group, version, kind in entries:
            api_version = f"{group}/{version}" if group else version
            key = f"{api_version}/{kind}"
            if key in kinds:
                continue
            message = f"{package_of.get(api_version, '?')}.{kind}"
            if message in out:
                kinds[key] = message
            else:
                missing.append(key)
    if missing:
        raise GenError(f"served kinds without a message: {sorted(set(missing))}")
    return {"kinds": kinds, "messages": out}


def render(table) -> str:
    lines = ["{", ' "kinds": ' + json.dumps(table["kinds"], sort_keys=True, separators=(",", ":")) + ",", ' "messages": {']
    names = sorted(table["messages"])
    for i, name in enumerate(names):
        body = json.dumps(table["messages"][name], sort_keys=True, separators=(",", ":"))
        lines.append(f"  {json.dumps(name)}: {body}" + ("," if i + 1 < len(names) else ""))
    lines += [" },", ' "source": "data/kubernetes-1.33/protobuf/ (see README.md); tools/k8s-data/gen_protobuf.py"', "}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root = Path(__file__).resolve().parents[2]
    data_dir = Path(args[0]) if args else root / "data" / "kubernetes-1.33"
    try:
        text = render(gen_protobuf(data_dir))
    except GenError as e:
        print(f"gen_protobuf.py: {e}", file=sys.stderr)
        return 1
    target = data_dir / "protobuf.json"
    if check:
        if not target.exists() or target.read_text() != text:
            print(f"{target} differs from what gen_protobuf.py makes; run it", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
