#!/usr/bin/env python3
"""Decides a throughput ratio goal on a noisy machine: runs one benchmark for two targets in alternating short
JMH trials (A B, B A, A B, ...) and prints each pair's ratio B/A, their median and quartiles.

One long trial per target (what report.py reads) lets a slow minute of the machine fall on one target only; pairs
taken back to back, in alternating order, see the same machine, so the median of their ratios is what the code
costs rather than when it ran.

Usage: python3 benchmarks/paired.py 'Workloads.pointSelect$' --base direct --other shard --pairs 10 \
           [--jar benchmarks/target/benchmarks.jar] [--goal 0.95] [-- any further JMH options, e.g. -p engine=mariadb]
--cpu adds each target's CPU time per operation in the benchmark JVM (all its threads; the server is another
process), which moves far less with the machine's load than throughput does.
Each trial: -f 1 -wi 2 -w 2s -i 3 -r 2s unless given after --. Prints one line per pair, then the summary.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def trial(jar, benchmark, target, extra, cpu=False):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    defaults = {"-f": "1", "-wi": "2", "-w": "2s", "-i": "3", "-r": "2s"}
    command = ["java", "-jar", jar, benchmark, "-p", "target=" + target, "-foe", "true", "-rf", "json",
               "-rff", path] + extra
    if cpu:
        command += ["-prof", "dev.shard.bench.CpuTimeProfiler"]
    for option, value in defaults.items():
        if option not in extra:  # JMH refuses an option given twice
            command += [option, value]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{run.stdout[-4000:]}")
    try:
        results = json.load(open(path))
    finally:
        os.unlink(path)
    if len(results) != 1:
        sys.exit(f"expected one result for {benchmark} target={target}, got {len(results)}: narrow the pattern")
    score = results[0]["primaryMetric"]["score"]
    if not cpu:
        return score, None
    return score, results[0]["secondaryMetrics"]["cpu.time.norm"]["score"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark")
    parser.add_argument("--base", default="direct")
    parser.add_argument("--other", default="shard")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--jar", default="benchmarks/target/benchmarks.jar")
    parser.add_argument("--goal", type=float)
    parser.add_argument("--cpu", action="store_true",
                        help="also the benchmark JVM's CPU time per operation (CpuTimeProfiler) of each target")
    args, extra = parser.parse_known_args()
    extra = [e for e in extra if e != "--"]
    ratios = []
    cpu_extra = []
    for i in range(args.pairs):
        order = [args.base, args.other] if i % 2 == 0 else [args.other, args.base]
        trials = {target: trial(args.jar, args.benchmark, target, extra, args.cpu) for target in order}
        scores = {target: result[0] for target, result in trials.items()}
        ratio = scores[args.other] / scores[args.base]
        ratios.append(ratio)
        load = os.getloadavg()[0]
        cpu = ""
        if args.cpu:
            base_cpu, other_cpu = trials[args.base][1], trials[args.other][1]
            cpu_extra.append(other_cpu - base_cpu)
            cpu = f"  cpu us/op {args.base} {base_cpu:.1f} {args.other} {other_cpu:.1f}"
        print(f"pair {i + 1}: {args.base} {scores[args.base]:,.1f}  {args.other} {scores[args.other]:,.1f}  "
              f"ratio {ratio:.3f}{cpu}  (load {load:.2f})", flush=True)
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    print(f"{args.benchmark} {' '.join(extra)}: {args.other}/{args.base} median {statistics.median(ratios):.3f}, "
          f"quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}, min {min(ratios):.3f}, max {max(ratios):.3f}, "
          f"{len(ratios)} pairs")
    if cpu_extra:
        print(f"cpu us/op {args.other} minus {args.base}: median {statistics.median(cpu_extra):.1f}, "
              f"min {min(cpu_extra):.1f}, max {max(cpu_extra):.1f}")
    if args.goal is not None:
        verdict = "met" if quartiles[0] >= args.goal else "missed" if quartiles[2] < args.goal else "undecided"
        print(f"goal {args.goal}: {verdict} (met: the lower quartile reaches it; missed: the upper one does not)")


if __name__ == "__main__":
    main()
