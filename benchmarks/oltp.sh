#!/usr/bin/env bash
# Issue 16's workloads on MariaDB, for a quiet machine: the OLTP mix (direct, by hand, Shard, ShardingSphere), the
# batch inserts of 128 and 1,000 rows, the broadcast batch and its hand-written baseline, and point select, insert
# and update, each with both drivers (MySQL Connector/J and MariaDB Connector/J), JSON into one directory, then the
# ratio table with the goals (benchmarks/report.py). About 45 minutes on a 2-core machine.
# Usage: benchmarks/oltp.sh [output directory]   (build first: ./mvnw -q -pl benchmarks -am package -DskipTests)
# Check first that nothing else runs (uptime: load average well under 1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/results/oltp-latest}
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
run() { uptime; java -jar "$jar" -f 1 -foe true -wi 3 -w 3s -i 5 -r 3s "$@"; }

for driver in connectorj mariadb; do
  run 'Oltp' -p engine=mariadb -p driver=$driver -prof gc -rf json -rff "$out/oltp-$driver.json"
  run 'Workloads.(batchInsert128|batchInsert1000|broadcastBatch128)|BroadcastByHand' -p engine=mariadb \
    -p driver=$driver -prof gc -rf json -rff "$out/batch-$driver.json"
  run 'Workloads.(pointSelect|pointInsert|pointUpdate)$' -p engine=mariadb -p driver=$driver -prof gc \
    -rf json -rff "$out/point-$driver.json"
done
run 'PointSelectThreads' -p engine=mariadb -rf json -rff "$out/threads.json"

python3 benchmarks/report.py "$out"/*.json | tee "$out/report.md"
