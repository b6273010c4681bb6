#!/usr/bin/env python3
"""Summarises the JMH JSON files of benchmarks/compare-jars.sh as Markdown tables.

Usage: python3 benchmarks/compare-report.py OUTDIR

Reads OUTDIR/r<round>-<engine>-<before|after>.json (and OUTDIR/runs.log, if present, for the load). For each
benchmark and engine: shard/direct of every run (both targets measured in the same JMH run), its median per
jar, and after/before of the medians. The noise is the spread of shard/direct between the rounds of one jar,
(max - min) / median, the larger of the two jars; a change smaller than that is "within the noise", and a noise
above RESOLVES means the comparison cannot tell a slowdown of that size from none. Where a run had -prof gc,
bytes allocated per operation (gc.alloc.rate.norm, which does not depend on the machine's load) are compared too,
and where it had -prof dev.shard.bench.CpuTimeProfiler, the JVM's CPU time per operation (cpu.time.norm: the work
done, without the time spent waiting for a core on a busy machine).
"""
import glob
import json
import os
import re
import statistics
import sys

RESOLVES = 0.25


def load_runs(out):
    runs = {}  # (benchmark, engine, side, round) -> {target: (score, error, bytes per op or None, CPU us per op or None)}
    for path in glob.glob(os.path.join(out, "r*-*-*.json")):
        m = re.fullmatch(r"r(\d+)-(.+)-(before|after)\.json", os.path.basename(path))
        if not m:
            continue
        rnd, engine, side = int(m.group(1)), m.group(2), m.group(3)
        for r in json.load(open(path)):
            bench = ".".join(r["benchmark"].rsplit(".", 2)[-2:])
            metric = r["primaryMetric"]
            secondary = r.get("secondaryMetrics", {})
            alloc = secondary.get("gc.alloc.rate.norm", {}).get("score")
            cpu = secondary.get("cpu.time.norm", {}).get("score")
            runs.setdefault((bench, engine, side, rnd), {})[r["params"]["target"]] = (
                metric["score"], metric["scoreError"], alloc, cpu)
    return runs


def load_log(out):
    conditions = {}  # run name -> (load average at start, "others" percent during the run)
    path = os.path.join(out, "runs.log")
    if os.path.exists(path):
        for line in open(path):
            m = re.match(r"(r\d+-\S+-(?:before|after)) start \S+ load average: (\S+)", line)
            if m:
                conditions.setdefault(m.group(1), ["", ""])[0] = m.group(2)
            m = re.match(r"(r\d+-\S+-(?:before|after)) end .* others (\d+) %", line)
            if m:
                conditions.setdefault(m.group(1), ["", ""])[1] = m.group(2) + " %"
    return conditions


def error(value):
    return "n/a" if value in (None, "NaN") else f"{float(value):,.0f}"


def spread(values):
    return (max(values) - min(values)) / statistics.median(values) if len(values) > 1 else 0.0


def main(out):
    runs = load_runs(out)
    conditions = load_log(out)
    print("Every run (ops/s; ± is JMH's 99.9 % error; load average over 1 minute at the run's start; others: CPU")
    print("used by other processes during the run, share of both cores, this run and mariadbd excluded):")
    print()
    print("| benchmark | engine | round | jar | load | others | direct ops/s | shard ops/s | shard / direct |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for (bench, engine, side, rnd), t in sorted(runs.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][3], kv[0][2] == "after")):
        (d, de, *_), (s, se, *_) = t["direct"], t["shard"]
        load, others = conditions.get(f"r{rnd}-{engine}-{side}", ("", ""))
        print(f"| {bench} | {engine} | {rnd} | {side} | {load} | {others} | {d:,.0f} ± {error(de)} | {s:,.0f} ± {error(se)} | {s / d:.3f} |")

    print()
    print("| benchmark | engine | shard/direct before (rounds) | median | after (rounds) | median | after/before | noise | rounds after ≥ before | shard ops/s before → after (medians) | after/before | verdict |")
    print("|---|---|---|---:|---|---:|---:|---:|---:|---|---:|---|")
    for bench, engine in sorted({(k[0], k[1]) for k in runs}):
        ratio, shard = {}, {}
        for side in ("before", "after"):
            rounds = sorted(k[3] for k in runs if k[:3] == (bench, engine, side))
            ratio[side] = [runs[(bench, engine, side, r)]["shard"][0] / runs[(bench, engine, side, r)]["direct"][0] for r in rounds]
            shard[side] = [runs[(bench, engine, side, r)]["shard"][0] for r in rounds]
        if not ratio["before"] or not ratio["after"]:
            continue
        rb, ra = statistics.median(ratio["before"]), statistics.median(ratio["after"])
        sb, sa = statistics.median(shard["before"]), statistics.median(shard["after"])
        noise = max(spread(ratio["before"]), spread(ratio["after"]))
        paired = list(zip(ratio["before"], ratio["after"]))  # the same round: minutes apart on the machine
        not_lower = sum(1 for b, a in paired if a >= b)
        change = ra / rb
        verdict = "not slower" if change >= 1 - noise else "**slower**"
        if change > 1 + noise:
            verdict = "faster"
        if noise > RESOLVES:
            verdict += f" (noise {noise * 100:.0f} %: hides any change smaller than that)"
        print(f"| {bench} | {engine} | {', '.join(f'{x:.3f}' for x in ratio['before'])} | {rb:.3f} "
              f"| {', '.join(f'{x:.3f}' for x in ratio['after'])} | {ra:.3f} | **{change:.3f}** | {noise * 100:.0f} % | {not_lower} of {len(paired)} "
              f"| {sb:,.0f} → {sa:,.0f} | {sa / sb:.3f} | {verdict} |")

    per_operation(runs, 2, "gc.alloc.rate.norm", "Bytes allocated per operation (runs with -prof gc", "B/op", "{:,.0f}")
    per_operation(runs, 3, "cpu.time.norm", "CPU time of the benchmark JVM per operation, all its threads (runs with "
                  "-prof dev.shard.bench.CpuTimeProfiler", "µs/op", "{:,.2f}")


def per_operation(runs, index, metric, title, unit, fmt):
    """Compares a secondary metric of every run, before against after, per benchmark, engine and target."""
    values = {}  # (benchmark, engine, target, side) -> the metric of each run that has it
    for (bench, engine, side, rnd), t in runs.items():
        for target, measured in t.items():
            if measured[index] is not None:
                values.setdefault((bench, engine, target, side), []).append(measured[index])
    if not values:
        return
    print()
    print(f"{title}; median, and min-max over those runs; {metric}):")
    print()
    print(f"| benchmark | engine | target | before {unit} | after {unit} | after / before |")
    print("|---|---|---|---:|---:|---:|")
    for bench, engine, target in sorted({k[:3] for k in values}):
        b, a = values.get((bench, engine, target, "before")), values.get((bench, engine, target, "after"))
        if b and a:
            mb, ma = statistics.median(b), statistics.median(a)
            print(f"| {bench} | {engine} | {target} | {fmt.format(mb)} ({fmt.format(min(b))}-{fmt.format(max(b))}) "
                  f"| {fmt.format(ma)} ({fmt.format(min(a))}-{fmt.format(max(a))}) | {ma / mb:.3f} |")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
