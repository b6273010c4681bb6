#!/usr/bin/env python3
"""Summarises JMH JSON results (-rf json) of the Shard benchmarks as a Markdown table with ratios.

Usage: python3 benchmarks/report.py results.json [more.json ...]

Ratios compare throughputs measured in the same JMH run (same JVM flags, same data): shard/direct and
shard/shardingsphere. The goal lines at the end say met or missed.
"""
import json
import sys


def key(r):
    p = r.get("params", {})
    name = r["benchmark"].rsplit(".", 2)
    if "mode" in p:  # ScatterByHand: plain JDBC on the four databases, sequential or parallel
        target = "by hand, " + p["mode"]
    elif "replicas" in p:  # ReplicaPointSelect: Shard with 0, 1 or 2 replicas per shard, on MariaDB
        return f"{name[-2]}.{name[-1]}", "mariadb", f"shard, {p['replicas']} replicas"
    else:
        target = p.get("target", "shard " + p.get("shard", ""))
    engine = p.get("engine", "")
    if p.get("driver", "connectorj") != "connectorj":  # MariaDB Connector/J instead of MySQL's
        engine += " (" + p["driver"] + " driver)"
    bench = f"{name[-2]}.{name[-1]}"
    if p.get("transaction", "mix") != "mix":  # Oltp: one transaction type alone
        bench += " " + p["transaction"]
    return bench, engine, target


def main(files):
    rows = {}
    for f in files:
        for r in json.load(open(f)):
            m = r["primaryMetric"]
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            err = m["scoreError"]
            err = float(err) if err not in (None, "NaN") else float("nan")
            rows[key(r)] = (m["score"], err, m["scoreUnit"], alloc, r["threads"])
    print("| Benchmark | engine | target | threads | ops/s | ± error | B/op | shard / direct | shard / ShardingSphere |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    for (bench, engine, target), (score, err, unit, alloc, threads) in sorted(rows.items()):
        ratio_direct = ratio_ss = ""
        if target == "shard":
            d = rows.get((bench, engine, "direct"))
            s = rows.get((bench, engine, "shardingsphere"))
            ratio_direct = f"**{score / d[0]:.2f}**" if d else ""
            ratio_ss = f"**{score / s[0]:.2f}x**" if s else ""
        alloc_s = f"{alloc:,.0f}" if alloc is not None else ""
        print(f"| {bench} | {engine} | {target} | {threads} | {score:,.1f} | {'n/a' if err != err else f'{err:,.1f}'} | {alloc_s} | {ratio_direct} | {ratio_ss} |")

    def ratio(bench, engine, a, b):
        x, y = rows.get((bench, engine, a)), rows.get((bench, engine, b))
        return x[0] / y[0] if x and y else None

    print()
    goals = []
    for engine, floor in (("h2", 0.80), ("mariadb", 0.95)):
        goals.append((f"point select vs direct ({engine}) >= {floor}", ratio("Workloads.pointSelect", engine, "shard", "direct"), floor, True))
    goals.append(("point select vs ShardingSphere (h2) >= 3x", ratio("Workloads.pointSelect", "h2", "shard", "shardingsphere"), 3.0, True))
    floors = []
    for engine in ("h2", "mariadb", "mariadb-remote"):
        shard = rows.get(("Workloads.scatterOrderByLimit", engine, "shard"))
        singles = [v[0] for (b, e, t), v in rows.items() if b == "SingleShardBaseline.orderByLimitOneShard" and e == engine]
        if shard and singles:
            # latency ratio = slowest single shard's throughput / scatter throughput (one thread)
            goals.append((f"scatter ORDER BY LIMIT 10 latency vs slowest single shard ({engine}) <= 1.3x", min(singles) / shard[0], 1.3, False))
        by_hand = [(t, v[0]) for (b, e, t), v in rows.items() if b == "ScatterByHand.orderByLimitAllShards" and e == engine]
        if shard and by_hand and singles:
            best = max(by_hand, key=lambda tv: tv[1])
            floors.append((engine, min(singles) / best[1], best[0], min(singles) / shard[0], shard[0] / best[1]))
    for engine in ("h2", "mariadb", "mariadb-remote"):
        value = ratio("Workloads.batchInsert1000", engine, "shard", "direct")
        if value is not None or engine != "mariadb-remote":
            goals.append((f"batch insert 1,000 vs direct ({engine}) >= 0.90", value, 0.90, True))
    for engine in ("mariadb", "mariadb (mariadb driver)"):
        for bench, label in (("Workloads.batchInsert128", "batch insert 128"), ("Workloads.batchInsert1000", "batch insert 1,000")):
            if engine != "mariadb" or bench != "Workloads.batchInsert1000":
                value = ratio(bench, engine, "shard", "direct")
                if value is not None:
                    goals.append((f"{label} vs direct ({engine}) >= 0.90", value, 0.90, True))
        shard = rows.get(("Workloads.broadcastBatch128", engine, "shard"))
        by_hand = [v[0] for (b, e, t), v in rows.items() if b == "BroadcastByHand.batch128" and e == engine]
        if shard and by_hand:
            goals.append((f"broadcast batch vs best by hand ({engine}) >= 0.80", shard[0] / max(by_hand), 0.80, True))
        for other, floor in (("direct", 0.90), ("byhand", 0.90)):
            value = ratio("Oltp.mix", engine, "shard", other)
            if value is not None:
                goals.append((f"OLTP mix vs {other} ({engine}) >= {floor:.2f}", value, floor, True))
        value = ratio("Oltp.mix", engine, "shard", "shardingsphere")
        if value is not None:
            goals.append((f"OLTP mix vs ShardingSphere ({engine}) >= 1", value, 1.0, True))
    goals.append(("literal Statements, distinct texts vs direct (h2) >= 0.70", ratio("Workloads.literalStatement", "h2", "shard", "direct"), 0.70, True))
    print("| Goal | measured | result |")
    print("|---|---:|---|")
    for name, value, bound, higher in goals:
        if value is None:
            print(f"| {name} | not measured | |")
        else:
            met = value >= bound if higher else value <= bound
            print(f"| {name} | {value:.2f} | {'met' if met else '**missed**'} |")
    if floors:
        print()
        print("Scatter ORDER BY LIMIT 10 against the same query written by hand with plain JDBC (ScatterByHand):")
        print()
        print("| engine | best by hand vs slowest single shard | (which) | Shard vs slowest single shard | Shard / best by hand (throughput) |")
        print("|---|---:|---|---:|---:|")
        for engine, hand_ratio, which, shard_ratio, shard_vs_hand in floors:
            print(f"| {engine} | {hand_ratio:.2f}x | {which} | {shard_ratio:.2f}x | {shard_vs_hand:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
