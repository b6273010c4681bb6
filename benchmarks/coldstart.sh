#!/usr/bin/env bash
# Cold start: a fresh JVM per run, from JVM start to the first routed query's result (dev.shard.bench.ColdStart).
#
#   benchmarks/coldstart.sh [-n RUNS] [-c fat|thin|both] [--no-build] [--wait-idle[=PCT]] [target...]
#
#   -n RUNS      JVMs per target (default 10)
#   -c fat       java -cp benchmarks/target/benchmarks.jar: the shaded jar holds every target's dependencies
#                (one 60 MB jar; DriverManager also loads Shard's, MySQL's, ShardingSphere's and Calcite's drivers
#                in every target, as they are all registered in it)
#   -c thin      each target gets only its own jars, as separate files from ~/.m2 (plus H2 and slf4j-simple):
#                direct = HikariCP; shard = shard-jdbc's runtime classpath; shardingsphere = the benchmarks
#                module's classpath without Shard, MySQL Connector/J and JMH (so with the same versions as the
#                shaded jar)
#   -c both      both, interleaved run by run (default: fat)
#   --no-build   use the jar and classes already in benchmarks/target
#   --wait-idle[=PCT]  before each run wait (up to 120 s) until the machine was at most PCT percent busy (default
#                10) over one second; without it the script still samples one second between runs
#   target       shard, shardingsphere, direct (default: all three)
#
# JAVA_OPTS is passed to every JVM (default: none, i.e. the JVM's defaults). Runs are interleaved round-robin over
# the class path modes and targets so that a change in machine speed or load affects them alike. Times are milliseconds; see ColdStart's javadoc
# for what each one covers.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=10
MODES=(fat)
BUILD=1
WAIT_IDLE=
TARGETS=()
while [ $# -gt 0 ]; do
    case "$1" in
        -n) RUNS="$2"; shift 2 ;;
        -c) case "$2" in fat|thin) MODES=("$2") ;; both) MODES=(fat thin) ;; *) echo "bad -c $2" >&2; exit 64 ;; esac
            shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --wait-idle) WAIT_IDLE=10; shift ;;
        --wait-idle=*) WAIT_IDLE="${1#--wait-idle=}"; shift ;;
        shard|shardingsphere|direct) TARGETS+=("$1"); shift ;;
        *) echo "usage: $0 [-n RUNS] [-c fat|thin|both] [--no-build] [--wait-idle[=PCT]] [target...]" >&2; exit 64 ;;
    esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(shard shardingsphere direct)
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.9.0"
JAR=benchmarks/target/benchmarks.jar
DEPS=benchmarks/target/coldstart-deps.txt
SHARD_DEPS=shard-jdbc/target/coldstart-deps.txt

if [ "$BUILD" = 1 ]; then
    echo "Building benchmarks.jar (and listing the reactor's runtime dependencies for -c thin)..." >&2
    ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests \
        "$DEP_PLUGIN:list" -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
        -DoutputFile=target/coldstart-deps.txt >&2
fi
[ -f "$JAR" ] || { echo "missing $JAR: run without --no-build" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# "group:artifact path" for each jar of a dependency:list output file.
jars() {
    sed -n 's/^ *\([^ ]*:[^ ]*:[^ ]*\)\( -- module.*\)\{0,1\}$/\1/p' "$1" \
        | awk -F: '$3 == "jar" { print $1 ":" $2, $NF }'
}

# The -c thin class path of a target: benchmarks' classes and the jars of the group:artifact lines on stdin.
thin_classpath() {
    local target="$1" keep
    case "$target" in
        direct) keep='^(com\.zaxxer:HikariCP|com\.h2database:h2|org\.slf4j:slf4j-api|org\.slf4j:slf4j-simple)$' ;;
        shard)
            # shard-jdbc's own runtime dependencies, shard-jdbc itself, and the fixture's H2 and logger.
            keep="^($(jars "$SHARD_DEPS" | awk '{ print $1 }' | sed 's/\./\\./g' | paste -sd'|')"
            keep="$keep|dev\.shard:shard-jdbc|com\.h2database:h2|org\.slf4j:slf4j-simple)$" ;;
        shardingsphere) keep='.' ;;
    esac
    {
        echo "$ROOT/benchmarks/target/classes"
        jars "$DEPS" | KEEP="$keep" awk -v target="$target" 'BEGIN { keep = ENVIRON["KEEP"] }
            target == "shardingsphere" && $1 ~ /^(dev\.shard:|com\.github\.jsqlparser:|com\.mysql:|org\.openjdk\.jmh:|net\.sf\.jopt-simple:)/ { next }
            $1 ~ keep { print $2 }'
    } | paste -sd:
}

if [[ " ${MODES[*]} " == *" thin "* ]]; then
    [ -f "$DEPS" ] && [ -f "$SHARD_DEPS" ] || { echo "missing $DEPS: run without --no-build" >&2; exit 1; }
fi

# "idle total" jiffies of the whole machine, and the share of it busy over the next second (percent)
cpu_sample() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat; }
busy_pct() {
    local i0 t0 i1 t1
    read -r i0 t0 < <(cpu_sample); sleep 1; read -r i1 t1 < <(cpu_sample)
    echo $(( 100 - 100 * (i1 - i0) / (t1 - t0 > 0 ? t1 - t0 : 1) ))
}
# Sample the machine for a second before each run (a pause between runs, too); with --wait-idle, keep waiting
# (up to 120 s) until it is at most WAIT_IDLE percent busy.
before_run() {
    local b waited=0
    while :; do
        b=$(busy_pct)
        if [ -z "$WAIT_IDLE" ] || [ "$b" -le "$WAIT_IDLE" ] || [ "$waited" -ge 120 ]; then break; fi
        waited=$((waited + 1))
    done
    echo "$b"
}

NCPU=$(nproc)
HZ=$(getconf CLK_TCK)
echo "machine: $NCPU cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "java: $(java -version 2>&1 | head -1); JAVA_OPTS=${JAVA_OPTS:-}" >&2
START=$(date +%s)
TIMEFORMAT='%3R %3U %3S'
for mode in "${MODES[@]}"; do
    for target in "${TARGETS[@]}"; do
        if [ "$mode" = fat ]; then echo "$JAR" > "$TMP/cp-$mode-$target"; else thin_classpath "$target" > "$TMP/cp-$mode-$target"; fi
        echo "$mode $target: $(tr ':' '\n' < "$TMP/cp-$mode-$target" | wc -l) class path entries" >&2
    done
done
for ((i = 1; i <= RUNS; i++)); do
    for mode in "${MODES[@]}"; do
        for target in "${TARGETS[@]}"; do
            busy=$(before_run)
            read -r i0 t0 < <(cpu_sample)
            # shellcheck disable=SC2086
            { time java ${JAVA_OPTS:-} -cp "$(cat "$TMP/cp-$mode-$target")" dev.shard.bench.ColdStart "$target" \
                > "$TMP/out" 2> "$TMP/err"; } 2> "$TMP/time" || {
                echo "run $i of $target ($mode) failed:" >&2; tail -20 "$TMP/err" >&2; exit 1; }
            read -r i1 t1 < <(cpu_sample)
            read -r real user sys < "$TMP/time"
            # CPU that other processes used while this JVM ran, as a percentage of the machine
            others=$(awk -v b="$(( (t1 - t0) - (i1 - i0) ))" -v hz="$HZ" -v u="$user" -v s="$sys" -v r="$real" -v n="$NCPU" \
                'BEGIN { o = (b / hz - u - s) / (r * n) * 100; printf "%.0f", o < 0 ? 0 : o }')
            echo "$mode $(cat "$TMP/out") process=$(awk -v r="$real" 'BEGIN { printf "%.0f", r * 1000 }')" \
                "process_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", (u + s) * 1000 }')" \
                "busy_before=$busy others=$others" >> "$TMP/results"
        done
    done
    printf '.' >&2
done
echo >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - START )) s for the runs" >&2

# values of key $3 for mode $1 and target $2, sorted
col() {
    awk -v m="$1" -v t="target=$2" -v k="$3" '$1 == m && $2 == t {
        for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$TMP/results" | sort -g
}
med() { col "$@" | awk '{ v[NR] = $1 } END { printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mmm() {
    col "$@" | awk '{ v[NR] = $1 } END {
        printf "%.0f (%.0f-%.0f)", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'
}

echo
echo "Cold start, $RUNS JVMs per target, milliseconds: median (min-max); other columns medians"
echo
FMT='| %-4s | %-14s | %-18s | %-18s | %6s | %7s | %6s | %6s | %6s | %7s | %7s | %7s | %7s |\n'
printf "$FMT" "cp" "target" "JVM start->result" "build->result" "CPU" "process" "main" "schema" "build" \
    "connect" "prepare" "execute" "others%"
echo "|------|----------------|--------------------|--------------------|-------:|--------:|-------:|-------:|-------:|--------:|--------:|--------:|--------:|"
for mode in "${MODES[@]}"; do
    for target in "${TARGETS[@]}"; do
        printf "$FMT" "$mode" "$target" "$(mmm "$mode" "$target" jvm_to_first)" \
            "$(mmm "$mode" "$target" build_to_first)" "$(med "$mode" "$target" cpu)" \
            "$(med "$mode" "$target" process)" "$(med "$mode" "$target" jvm_to_main)" \
            "$(med "$mode" "$target" schema)" "$(med "$mode" "$target" build)" "$(med "$mode" "$target" connect)" \
            "$(med "$mode" "$target" prepare)" "$(med "$mode" "$target" execute)" "$(med "$mode" "$target" others)"
    done
done
echo
echo "JVM start->result: everything (JVM boot, H2, schema, data source, first query); build->result: what the user"
echo "waits for (data source from config, connection, prepare, execute, read). CPU: process CPU time (all threads)"
echo "when the result was read. process: fork to exit, as 'time java' sees it. main: JVM start to main()."
echo "schema: H2's start and the DDL before the clock, the same work in every target and mode: a gauge of how fast"
echo "the machine was during those runs."
echo "others%: CPU used by other processes during the run, as a share of the machine (high = contended run)."
echo "Classes loaded by exit, median (including the 50-200 that reading JMX loads after the clock stops):"
for mode in "${MODES[@]}"; do
    for target in "${TARGETS[@]}"; do
        printf '  %-4s %-14s %s\n' "$mode" "$target" "$(med "$mode" "$target" classes)"
    done
done
if [ -n "${KEEP_RESULTS:-}" ]; then cp "$TMP/results" "$KEEP_RESULTS"; echo "raw results: $KEEP_RESULTS" >&2; fi
