#!/usr/bin/env bash
# Before/after comparison of two builds of benchmarks.jar on Workloads.pointSelect and
# Workloads.scatterOrderByLimit, targets shard and direct in the same JMH run.
#
#   benchmarks/compare-jars.sh BEFORE.jar AFTER.jar OUTDIR [ROUNDS (default 2)] [ENGINES (default "h2 mariadb")]
#
#   ROUNDS        a count (3: rounds 1..3) or a range (4-5: two more rounds into the same OUTDIR)
#   JMH_EXTRA     more JMH options for every run, e.g. JMH_EXTRA='-prof gc' for bytes allocated per operation
#   WAIT_IDLE     before each run, wait up to WAIT_IDLE_MAX seconds (default 45) until other processes used at
#                 most WAIT_IDLE percent of the machine over two seconds (default: no waiting)
#
# On a shared, noisy machine absolute throughput drifts from minute to minute, so the jars are interleaved
# (per round and engine: before, then after) and compared by shard/direct measured inside one JMH run, where
# both targets see the same machine within a minute. Writes OUTDIR/r<round>-<engine>-<before|after>.json (JMH
# JSON) and .txt (JMH's console output), OUTDIR/runs.log (machine, exact commands, load average at each run's
# start, CPU used by other processes during each run) and OUTDIR/report.md (benchmarks/compare-report.py).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BEFORE.jar AFTER.jar OUTDIR [ROUNDS] [ENGINES]" >&2; exit 64; }
before=$1 after=$2 out=$3 rounds=${4:-2} engines=${5:-h2 mariadb}
case "$rounds" in *-*) first=${rounds%-*} last=${rounds#*-} ;; *) first=1 last=$rounds ;; esac
read -r -a extra <<< "${JMH_EXTRA:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
log="$out/runs.log"

# Busy and total jiffies of the whole machine, from /proc/stat's first line.
machine_jiffies() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }
# CPU jiffies used so far by the server on 127.0.0.1:3306 (part of the benchmark on engine mariadb, not
# "others"). Found by its port: tests elsewhere on the machine may run further mariadbd processes.
mariadb_jiffies() {
    local pid; pid=$(ss -ltnpH 'sport = :3306' 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
    if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then awk '{ print $14+$15 }' "/proc/$pid/stat"; else echo 0; fi
}

# Waits until the machine was at most WAIT_IDLE % busy over two seconds, or WAIT_IDLE_MAX seconds have passed;
# prints the seconds waited and the last busy percentage.
wait_idle() {
    local waited=0 busy0 total0 busy1 total1 pct=
    while [ -n "${WAIT_IDLE:-}" ]; do
        read -r busy0 total0 < <(machine_jiffies); sleep 2; read -r busy1 total1 < <(machine_jiffies)
        pct=$(( 100 * (busy1 - busy0) / (total1 - total0) )); waited=$((waited + 2))
        { [ "$pct" -le "$WAIT_IDLE" ] || [ "$waited" -ge "${WAIT_IDLE_MAX:-45}" ]; } && break
    done
    [ -n "$pct" ] && echo " (waited $waited s for an idle machine, last 2 s $pct % busy)"
    return 0
}

{
    echo "# $(date -Is) rounds $first-$last, engines $engines, JMH_EXTRA='${JMH_EXTRA:-}'"
    echo "nproc: $(nproc)"
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\))'
    java -version 2>&1 | head -2
    echo "before: $before sha256 $(sha256sum < "$before" | cut -c1-16)"
    echo "after:  $after sha256 $(sha256sum < "$after" | cut -c1-16)"
} >> "$log"

hz=$(getconf CLK_TCK)
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
for round in $(seq "$first" "$last"); do
    for engine in $engines; do
        for side in before after; do
            jar=$before; [ "$side" = after ] && jar=$after
            name="r$round-$engine-$side"
            cmd=(java -jar "$jar" 'Workloads\.(pointSelect|scatterOrderByLimit)$' -f 1 -foe true
                 -wi 2 -w 2s -i 3 -r 2s -p target=direct,shard -p engine="$engine"
                 ${extra[@]+"${extra[@]}"} -rf json -rff "$out/$name.json")
            idle=$(wait_idle)
            echo "$name start $(date +%T) load average: $(cut -d' ' -f1-3 /proc/loadavg)$idle" >> "$log"
            echo "  ${cmd[*]}" >> "$log"
            read -r busy0 total0 < <(machine_jiffies); db0=$(mariadb_jiffies); start=$(date +%s.%N)
            "${cmd[@]}" > "$out/$name.txt" 2>&1
            # After the wait, bash's children times include the JMH host JVM and its forked benchmark JVM.
            read -r busy1 total1 < <(machine_jiffies); db1=$(mariadb_jiffies); end=$(date +%s.%N)
            times > "$times_file"   # in this shell: a $(...) subshell would report its own, empty, children
            ours=$(tail -1 "$times_file" | awk '{ gsub(/[ms]/, " "); print ($1*60+$2) + ($3*60+$4) }')
            awk -v b="$((busy1 - busy0))" -v t="$((total1 - total0))" -v db="$((db1 - db0))" -v hz="$hz" \
                -v ours="$ours" -v prev="${prev_ours:-0}" -v s="$start" -v e="$end" -v name="$name" 'BEGIN {
                others = b / hz - (ours - prev) - db / hz; if (others < 0) others = 0
                printf "%s end   %.0f s, machine busy %.0f %%, others %.0f %% (of all CPUs, excluding this run and mariadbd)\n",
                    name, e - s, 100 * b / t, 100 * others * hz / t }' >> "$log"
            prev_ours=$ours
        done
    done
done
python3 "$here/compare-report.py" "$out" | tee "$out/report.md"
