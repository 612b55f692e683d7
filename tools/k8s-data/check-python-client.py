#!/usr/bin/env python3
"""Check resources.json against the REST paths of the official Python client.

The `kubernetes` package on PyPI is generated from Kubernetes' OpenAPI spec
of one release (33.x for 1.33), so its paths are an independent record of
which resources and subresources that release serves, and with which scope.
This compares the (group, version, resource, subresource) set and the scope
of every resource with data/kubernetes-1.33/resources.json.

Standard library only. Not run by CI (it needs the package); to run it:

  pip download 'kubernetes==33.1.0' --no-deps -d /tmp/kpy
  unzip -q /tmp/kpy/kubernetes-33.1.0-*.whl -d /tmp/kpy/x
  python3 tools/k8s-data/check-python-client.py /tmp/kpy/x

Exit status 1 when the two differ.
"""

import json
import re
import sys
from pathlib import Path

PATH = re.compile(r"'(/apis?/[^']*)'")


def client_paths(package_root: Path):
    """(group, version, resource, subresource, namespaced) of every path of
    the generated API classes; "" as subresource for the resource itself."""
    out = set()
    for source in sorted((package_root / "kubernetes" / "client" / "api").glob("*_api.py")):
        for match in PATH.finditer(source.read_text(encoding="utf-8")):
            parts = match.group(1).strip("/").split("/")
            if parts[0] == "api":
                group, rest = "", parts[1:]
            elif len(parts) > 1:
                group, rest = parts[1], parts[2:]
            else:
                continue  # /apis/: discovery
            if not rest or "{" in group:
                continue  # /apis/{group}/...: the untyped custom-objects API
            version, rest = rest[0], rest[1:]
            if rest[:1] == ["watch"]:
                continue  # the deprecated /watch/ paths repeat the others
            namespaced = rest[:2] == ["namespaces", "{namespace}"]
            if namespaced:
                rest = rest[2:]
            if not rest:
                continue  # /api/v1, /apis/{group}/{version}: discovery
            resource, rest = rest[0], rest[1:]
            if not rest:
                out.add((group, version, resource, "", namespaced))
            elif rest[0] == "{name}":
                out.add((group, version, resource, rest[1] if len(rest) > 1 else "", namespaced))
    return out


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parents[2]
    resources = json.loads((root / "data" / "kubernetes-1.33" / "resources.json").read_text(encoding="utf-8"))
    resources = resources["resources"]
    paths = client_paths(Path(sys.argv[1]))

    in_client = {p[:4] for p in paths}
    in_data = set()
    for e in resources:
        in_data.add((e["group"], e["version"], e["name"], ""))
        for s in e["subresources"]:
            in_data.add((e["group"], e["version"], e["name"], s["name"]))
    namespaced_in_client = {p[:3] for p in paths if p[4]}
    scope = [
        f"{e['group']}/{e['version']}/{e['name']}"
        for e in resources
        if e["namespaced"] != ((e["group"], e["version"], e["name"]) in namespaced_in_client)
    ]

    problems = 0
    for title, items in (
        ("in the client, not in resources.json", sorted(in_client - in_data)),
        ("in resources.json, not in the client", sorted(in_data - in_client)),
        ("scope differs", scope),
    ):
        if items:
            problems += len(items)
            print(title + ":")
            for item in items:
                print("  ", item)
    print(f"{len(in_data)} resource and subresource paths compared, {problems} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
