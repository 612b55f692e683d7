#!/usr/bin/env python3
"""Clean debug builds of the two twins, `ours` (client-core) and `kube`
(kube-rs), alternating, each with a fresh target directory (issue 17; see
docs/performance.md, "Compile time: 20 derived resources").

    python3 bench/compile/run.py [--rounds N] [--first kube|ours] [--keep-timings DIR]

Each build is `cargo build --offline --timings` (run `cargo fetch` in both
crates once before). Reports, per side, the median and min-max of wall time
and of CPU time (user + sys of cargo and every compiler it ran), the
per-round ratio ours/kube, and the load average before each build. The
machine may be shared: the CPU time is the steadier figure, the wall time
the one a user waits. Stdlib only.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIDES = ("ours", "kube")


def build(side, keep):
    """One clean build of `side`; returns (wall s, cpu s, load average before)."""
    target = tempfile.mkdtemp(prefix=f"compile-{side}-")
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        ["cargo", "build", "--offline", "--timings", "--target-dir", target],
        cwd=os.path.join(HERE, side),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        sys.exit(f"{side}: cargo build failed:\n{done.stderr[-4000:]}")
    if keep:
        report = os.path.join(target, "cargo-timings", "cargo-timing.html")
        os.makedirs(keep, exist_ok=True)
        if os.path.exists(report):
            n = len([f for f in os.listdir(keep) if f.startswith(side)])
            shutil.copy(report, os.path.join(keep, f"{side}-{n + 1}.html"))
    shutil.rmtree(target, ignore_errors=True)
    return wall, cpu, load


def spread(values):
    return f"{statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--first", choices=SIDES, default="kube")
    parser.add_argument("--keep-timings", metavar="DIR", help="copy each build's cargo-timing.html here")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    results = {side: [] for side in SIDES}
    order = [args.first, SIDES[1] if args.first == SIDES[0] else SIDES[0]]
    for rnd in range(args.rounds):
        for side in order:
            wall, cpu, load = build(side, args.keep_timings)
            results[side].append((wall, cpu, load))
            print(f"round {rnd + 1} {side}: wall {wall:6.1f} s, cpu {cpu:6.1f} s, load {load:.2f}", flush=True)
        order.reverse()  # alternate who goes first: ABBA...

    print("\nside   wall s median (min-max)   cpu s median (min-max)   load before (min-max)")
    for side in SIDES:
        walls = [r[0] for r in results[side]]
        cpus = [r[1] for r in results[side]]
        loads = [r[2] for r in results[side]]
        print(f"{side:5}  {spread(walls):24}  {spread(cpus):24}  {min(loads):.2f}-{max(loads):.2f}")
    for i, name in ((0, "wall"), (1, "cpu")):
        ratios = [o[i] / k[i] for o, k in zip(results["ours"], results["kube"])]
        print(f"ours/kube {name}: median {statistics.median(ratios):.2f} (per round {min(ratios):.2f}-{max(ratios):.2f})")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
