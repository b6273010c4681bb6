#!/usr/bin/env bash
# The measured runs behind docs/performance.md: every benchmark on H2 and MariaDB, the scatter set also on
# mariadb-remote, JSON into one directory, then the ratio table. About 35 minutes on a 2-core machine.
# Usage: benchmarks/run-all.sh [output directory]   (build first: ./mvnw -q -pl benchmarks -am package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/results/latest}
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
run() { java -jar "$jar" -f 1 -foe true -wi 2 -w 2s -i 3 -r 3s "$@"; }

for engine in h2 mariadb; do
  run 'Workloads' -p engine=$engine -prof gc -rf json -rff "$out/$engine-workloads.json"
  run 'PointSelectThreads' -p engine=$engine -rf json -rff "$out/$engine-threads.json"
done
# The scatter goal's three sides (Shard's scatter, each shard alone, the scatter written by hand) in one JMH run
# per engine, with a longer warm-up: a freshly loaded MariaDB keeps flushing for a while after the load.
for engine in h2 mariadb mariadb-remote; do
  run 'Workloads.scatterOrderByLimit|SingleShardBaseline|ScatterByHand' -wi 3 -w 3s -p engine=$engine \
    -rf json -rff "$out/$engine-scatter.json"
done
run 'Workloads.(pointSelect|batchInsert1000)' -p engine=mariadb-remote -rf json -rff "$out/mariadb-remote-workloads.json"
run 'ReplicaPointSelect' -rf json -rff "$out/mariadb-replicas.json"

python3 benchmarks/report.py "$out"/*.json | tee "$out/report.md"
