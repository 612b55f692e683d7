#!/usr/bin/env python3
"""Runs the request benchmark (issue 17): ours vs kube-rs vs raw hyper.

Builds the release binaries (unless --no-build), starts one canned server
with --objects ConfigMaps, then for every round, tokio runtime and workload
runs each client (`req-ours`, `req-kube`, `req-floor`) in its own process,
rotating the client order every round. Prints, per runtime and workload,
medians and min-max of elapsed time, the medians and min-max of the
per-round ratios ours/floor and ours/kube-rs, client CPU per operation
(getrusage user+sys / ops), peak RSS (VmHWM), and the load average before
and after.

    python3 bench/peers/run_requests.py [--rounds 5] [--objects 20000]
        [--events 200000] [--gets 5000] [--posts 5000] [--lists 3]
        [--runtimes current,multi] [--workloads get,get16,list,pages,watch,post]
        [--no-build] [--markdown] [--json FILE]

Standard library only; shares the server and child handling of run.py.
Every child has a timeout; the server is stopped at the end.
"""

import argparse
import json
import os
import statistics
import sys

import run as common

CLIENTS = [("ours", "req-ours"), ("kube-rs", "req-kube"), ("floor", "req-floor")]
RUNTIMES = ["current", "multi"]
# word -> label
WORKLOADS = [
    ("get", "sequential GET"),
    ("get16", "16 concurrent GETs"),
    ("list", "list all in one request"),
    ("pages", "list all in pages of 500"),
    ("watch", "watch events"),
    ("post", "sequential POST"),
]
MEMORY_WORKLOADS = ["list", "pages"]


def ops_of(workload, args):
    return {
        "get": args.gets,
        "get16": args.gets,
        "list": args.lists,
        "pages": args.lists,
        "watch": args.events,
        "post": args.posts,
    }[workload]


def run_all(args, url, workloads, runtimes):
    """{(runtime, workload): {client: [per-round results]}}"""
    results = {}
    names = [name for name, _ in CLIENTS]
    for r in range(args.rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for runtime in runtimes:
            for workload in workloads:
                cell = results.setdefault((runtime, workload), {n: [] for n in names})
                for name in order:
                    binary = dict(CLIENTS)[name]
                    argv = [common.binary(binary), workload, runtime, url,
                            str(ops_of(workload, args)), str(args.objects)]
                    for _ in range(1 + common.RETRIES):
                        got, failure = common.run_side(argv)
                        if got is not None:
                            break
                        common.FAILURES.append(failure)
                        print(f"  FAILED: {failure}", file=sys.stderr)
                    if got is None:
                        sys.exit(f"{name} {workload} {runtime} failed {1 + common.RETRIES} times")
                    cell[name].append(got)
                print(f"  round {r + 1}/{args.rounds} {runtime} {workload}: "
                      + ", ".join(f"{n} {cell[n][-1]['elapsed_ms']:.0f} ms" for n in order),
                      file=sys.stderr)
    return results


def span(values, digits=2):
    med = statistics.median(values)
    return f"{med:.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


fmt = common.fmt


def med_range(values):
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]"


def ratios(cell, key, a, b):
    return [x[key] / y[key] for x, y in zip(cell[a], cell[b]) if y[key]]


def print_table(head, rows, markdown):
    common.print_rows(head, rows, markdown)
    print()


def report(results, workloads, runtimes, markdown):
    labels = dict(WORKLOADS)
    for runtime in runtimes:
        print(f"Elapsed ms, {runtime}-thread runtime: median [min-max]; "
              "ratios are per-round, median [min-max]")
        head = ["workload", "ours", "kube-rs", "floor", "ours/floor", "ours/kube-rs"]
        rows = []
        for w in workloads:
            cell = results[(runtime, w)]
            rows.append([labels[w]] + [med_range([x["elapsed_ms"] for x in cell[n]])
                                       for n in ("ours", "kube-rs", "floor")]
                        + [span(ratios(cell, "elapsed_ms", "ours", "floor")),
                           span(ratios(cell, "elapsed_ms", "ours", "kube-rs"))])
        print_table(head, rows, markdown)
    print("Client CPU per operation (µs; one op = a request, a whole list, or an event), median")
    head = ["workload", "runtime", "ours", "kube-rs", "floor", "ours/floor", "ours/kube-rs"]
    rows = []
    for w in workloads:
        for runtime in runtimes:
            cell = results[(runtime, w)]
            med = {n: statistics.median([x["cpu_us_per_op"] for x in cell[n]]) for n in cell}
            rows.append([labels[w], runtime] + [fmt(med[n]) for n in ("ours", "kube-rs", "floor")]
                        + [span(ratios(cell, "cpu_us_per_op", "ours", "floor")),
                           span(ratios(cell, "cpu_us_per_op", "ours", "kube-rs"))])
    print_table(head, rows, markdown)
    print("Peak RSS (VmHWM, MiB) of the list workloads, median [min-max]")
    head = ["workload", "runtime", "ours", "kube-rs", "floor", "ours/floor"]
    rows = []
    for w in workloads:
        if w not in MEMORY_WORKLOADS:
            continue
        for runtime in runtimes:
            cell = results[(runtime, w)]
            rows.append([labels[w], runtime]
                        + [med_range([x["hwm_mib"] for x in cell[n]])
                           for n in ("ours", "kube-rs", "floor")]
                        + [span(ratios(cell, "hwm_mib", "ours", "floor"))])
    print_table(head, rows, markdown)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--objects", type=int, default=20_000)
    p.add_argument("--events", type=int, default=200_000)
    p.add_argument("--gets", type=int, default=5_000)
    p.add_argument("--posts", type=int, default=5_000)
    p.add_argument("--lists", type=int, default=3, help="lists (or paged lists) per process")
    p.add_argument("--runtimes", default=",".join(RUNTIMES))
    p.add_argument("--workloads", default=",".join(w for w, _ in WORKLOADS))
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--json", help="also write every per-round result to this file")
    args = p.parse_args()
    runtimes = args.runtimes.split(",")
    workloads = args.workloads.split(",")
    if args.rounds < 1 or not set(runtimes) <= set(RUNTIMES) \
            or not set(workloads) <= set(dict(WORKLOADS)):
        sys.exit("bad --rounds, --runtimes or --workloads")
    if not args.no_build:
        common.build()

    load_start = os.getloadavg()
    server, url = common.start_server(args.events, args.objects)
    try:
        results = run_all(args, url, workloads, runtimes)
    finally:
        common.stop_server(server)
    load_end = os.getloadavg()

    print(f"rounds {args.rounds}, objects {args.objects}, events {args.events}, "
          f"GETs {args.gets}, POSTs {args.posts}, lists per process {args.lists}, "
          f"cpus {os.cpu_count()}")
    print("load average (1, 5, 15 min): start "
          + ", ".join(f"{x:.2f}" for x in load_start)
          + "; end " + ", ".join(f"{x:.2f}" for x in load_end))
    print()
    report(results, workloads, runtimes, args.markdown)
    print(f"failed attempts (re-run): {len(common.FAILURES)}")
    for failure in common.FAILURES:
        print(f"  {failure[:300]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{rt} {w}": cell for (rt, w), cell in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
