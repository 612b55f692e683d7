#!/usr/bin/env python3
"""Runs the peer benchmarks: client-runtime against kube-runtime (issue 16).

Builds the three release binaries of this workspace (unless --no-build),
starts one canned server, then runs each side in its own process, the sides
alternating (the order swapped every round) for --rounds rounds, and prints
medians, min-max and the ratios ours/kube-rs, with the machine's load average.

    python3 bench/peers/run.py [--rounds 5] [--events 100000] [--items 100000]
                               [--no-native] [--no-build] [--markdown]

Standard library only. Every child has a timeout; the server is stopped at the end.
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RELEASE = os.path.join(HERE, "target", "release")
CHILD_TIMEOUT = 300  # seconds, per side per round (each side's own phases time out at 120 s)
RETRIES = 5  # a failed side is run again, at most this often, and reported
FAILURES = []  # every failed attempt, printed with the results

# metric -> (label, unit, better): "lower" or "higher" is better
INFORMER_METRICS = [
    ("sync_ms", "time to sync 10k", "ms", "lower"),
    ("cache_mib", "cache memory (RSS after sync - before)", "MiB", "lower"),
    ("hwm_sync_mib", "peak RSS at sync (VmHWM)", "MiB", "lower"),
    ("events_per_s", "watch events/s to a handler", "ev/s", "higher"),
    ("hwm_end_mib", "peak RSS after the events (VmHWM)", "MiB", "lower"),
    ("rss_before_mib", "RSS before start", "MiB", "lower"),
]
QUEUE_METRICS = [
    ("queue_items_per_s", "queue: keys/s (2 adds, get, done)", "keys/s", "higher"),
]


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--bins"],
        cwd=HERE,
        check=True,
        timeout=3600,
    )


def binary(name):
    path = os.path.join(RELEASE, name)
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run without --no-build")
    return path


def start_server(events, objects=None):
    """Starts the canned server; returns (process, base URL)."""
    argv = [binary("canned-server"), str(events)]
    if objects is not None:
        argv.append(str(objects))
    server = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline().strip()
    if not line.startswith("LISTENING "):
        server.kill()
        sys.exit(f"canned-server said {line!r}")
    return server, line.split(" ", 1)[1]


def stop_server(server):
    try:
        server.stdin.close()  # the server exits when its stdin closes
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def run_side(argv):
    """Runs one side once; returns ({metric: value}, None) or (None, why it failed)."""
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = child.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        stdout, stderr = child.communicate(timeout=10)
        sys.exit(f"{' '.join(argv)} timed out after {CHILD_TIMEOUT} s:\n{stderr}")
    if child.returncode != 0:
        return None, f"{' '.join(argv)} failed ({child.returncode}): {stderr.strip()}"
    results = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "RESULT":
            results[parts[1]] = float(parts[2])
    return results, None


def rounds(sides, n):
    """sides: {name: argv}. Runs them alternately n times; {name: [results]}."""
    out = {name: [] for name in sides}
    names = list(sides)
    for r in range(n):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            for attempt in range(1 + RETRIES):
                results, failure = run_side(sides[name])
                if results is not None:
                    break
                FAILURES.append(failure)
                print(f"  round {r + 1}/{n}: {name} FAILED: {failure}", file=sys.stderr)
            if results is None:
                sys.exit(f"{name} failed {1 + RETRIES} times in a row")
            out[name].append(results)
            print(f"  round {r + 1}/{n}: {name} done", file=sys.stderr)
    return out


def summary(values):
    return statistics.median(values), min(values), max(values)


def fmt(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"


def table(results, metrics, markdown):
    sides = list(results)
    head = ["metric"] + [f"{s} median [min-max]" for s in sides]
    head += [f"{s}/kube-rs" for s in sides if s != "kube-rs"]
    rows = []
    for key, label, unit, better in metrics:
        row = [f"{label} ({unit}, {better} is better)"]
        medians = {}
        for s in sides:
            med, lo, hi = summary([r[key] for r in results[s]])
            medians[s] = med
            row.append(f"{fmt(med)} [{fmt(lo)}-{fmt(hi)}]")
        for s in sides:
            if s != "kube-rs":
                base = medians["kube-rs"]
                row.append(f"{medians[s] / base:.2f}x" if base else "n/a")
        rows.append(row)
    print_rows(head, rows, markdown)


def print_rows(head, rows, markdown):
    """Prints a table: markdown, or columns padded to their widest cell."""
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
        for row in [head] + rows:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--no-native", action="store_true",
                   help="skip `ours` caching client-core's own ConfigMap type")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    if args.rounds < 1:
        sys.exit("--rounds must be at least 1")
    if not args.no_build:
        build()

    load_start = os.getloadavg()
    server, url = start_server(args.events)
    try:
        informer = {
            "ours": [binary("ours"), "informer", url, str(args.events)],
            "kube-rs": [binary("kube"), "informer", url, str(args.events)],
        }
        if not args.no_native:
            informer["ours-native"] = [
                binary("ours"), "informer-native", url, str(args.events)]
        print(f"informer: 10k objects, {args.events} events, {args.rounds} rounds",
              file=sys.stderr)
        informer_results = rounds(informer, args.rounds)
    finally:
        stop_server(server)
    queue = {
        "ours": [binary("ours"), "queue", str(args.items)],
        "kube-rs": [binary("kube"), "queue", str(args.items)],
    }
    print(f"queue: {args.items} keys, {args.rounds} rounds", file=sys.stderr)
    queue_results = rounds(queue, args.rounds)
    load_end = os.getloadavg()

    print(f"rounds {args.rounds}, events {args.events}, queue keys {args.items}, "
          f"cpus {os.cpu_count()}")
    print("load average (1, 5, 15 min): start "
          + ", ".join(f"{x:.2f}" for x in load_start)
          + "; end " + ", ".join(f"{x:.2f}" for x in load_end))
    print()
    table(informer_results, INFORMER_METRICS, args.markdown)
    print()
    table(queue_results, QUEUE_METRICS, args.markdown)
    print()
    print(f"failed attempts (re-run): {len(FAILURES)}")
    for failure in FAILURES:
        print(f"  {failure[:300]}")


if __name__ == "__main__":
    main()
