#!/usr/bin/env python3
"""Per-request instructions by function: (large - small) / requests, from two
callgrind_annotate outputs. Usage: callgrind_diff.py SMALL LARGE REQUESTS [--inclusive] [TOP]"""
import re, subprocess, sys

def table(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100"]
    if inclusive:
        args.append("--inclusive=yes")
    out = subprocess.run(args + [path], capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(.*?)(?: \[.*\])?$", line)
        if m and "PROGRAM TOTALS" not in m.group(2):
            name = re.sub(r"^.*?:(?=[^:]*$)", "", m.group(2)) if m.group(2).startswith("./") else m.group(2).removeprefix("???:")
            rows[name] = rows.get(name, 0) + int(m.group(1).replace(",", ""))
    return rows

small, large, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
inclusive = "--inclusive" in sys.argv
top = int(next((a for a in sys.argv[4:] if a.isdigit()), "40"))
a, b = table(small, inclusive), table(large, inclusive)
diff = sorted(((b.get(k, 0) - a.get(k, 0)) / n, k) for k in set(a) | set(b))
for per, name in reversed(diff[-top:]):
    print(f"{per:10.0f}  {name[:150]}")
