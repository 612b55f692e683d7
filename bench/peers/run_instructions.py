#!/usr/bin/env python3
"""Counts instructions per operation of the three request clients (issue 17).

Runs `req-ours`, `req-kube` and `req-floor` under valgrind's callgrind, each
workload twice with a small and a large operation count, against one canned
server, and reports (I(large) - I(small)) / (large - small): the
instructions one more request, list or watch event costs in user space,
start-up and warm-up cancelled out. Every thread of the client process is
counted; the kernel (socket calls) is not. Instruction counts do not depend
on the machine's load, so unlike `run_requests.py` this can run beside
other work, and it is repeatable to a fraction of a percent.

    python3 bench/peers/run_instructions.py [--runtime current]
        [--workloads get,get16,post,watch,list,pages] [--no-build] [--markdown]

Standard library plus valgrind. Every child has a timeout.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import run as common

CLIENTS = [("ours", "req-ours"), ("kube-rs", "req-kube"), ("floor", "req-floor")]
# word -> (label, small count, large count)
WORKLOADS = {
    "get": ("sequential GET", 200, 1200),
    "get16": ("16 concurrent GETs", 208, 1200),
    "post": ("sequential POST", 200, 1200),
    "watch": ("watch events", 2000, 12000),
    "list": ("list 20k in one request", 1, 3),
    "pages": ("list 20k in pages of 500", 1, 3),
}
OBJECTS = 20_000
EVENTS = 20_000
CHILD_TIMEOUT = 600  # seconds: callgrind runs 20-60x slower


def instructions(binary, workload, runtime, url, ops):
    """Total instructions of one client run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                common.binary(binary), workload, runtime, url, str(ops), str(OBJECTS)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
        if done.returncode != 0 or "RESULT" not in done.stdout:
            sys.exit(f"{binary} {workload} {ops} failed: {done.stderr[-2000:]}")
        with open(out) as f:
            for line in f:
                m = re.match(r"(summary|totals): (\d+)", line)
                if m:
                    return int(m.group(2))
    sys.exit(f"no instruction total from {binary} {workload}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runtime", default="current", choices=["current", "multi"])
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    workloads = args.workloads.split(",")
    if not set(workloads) <= set(WORKLOADS):
        sys.exit("bad --workloads")
    if not args.no_build:
        common.build()

    server, url = common.start_server(EVENTS, OBJECTS)
    rows = []
    try:
        for w in workloads:
            label, small, large = WORKLOADS[w]
            per_op = {}
            for name, binary in CLIENTS:
                a = instructions(binary, w, args.runtime, url, small)
                b = instructions(binary, w, args.runtime, url, large)
                per_op[name] = (b - a) / (large - small)
                print(f"  {w} {name}: {per_op[name]:,.0f} instructions per op", file=sys.stderr)
            rows.append([label]
                        + [f"{per_op[n]:,.0f}" for n, _ in CLIENTS]
                        + [f"{per_op['ours'] / per_op['floor']:.2f}",
                           f"{per_op['ours'] / per_op['kube-rs']:.2f}"])
    finally:
        common.stop_server(server)

    print(f"Instructions per operation (callgrind, {args.runtime}-thread runtime, "
          "every thread of the client, user space only)")
    print()
    common.print_rows(["workload", "ours", "kube-rs", "floor", "ours/floor", "ours/kube-rs"],
                      rows, args.markdown)


if __name__ == "__main__":
    main()
