#!/usr/bin/env bash
# Runtime footprint: the jars a user's application gets on its runtime classpath (compile + runtime scope,
# transitively) for Shard (dev.shard:shard-jdbc) and for ShardingSphere-JDBC (shardingsphere-jdbc plus
# shardingsphere-sharding-core, the two artifacts a user needs for sharding).
#
#   benchmarks/footprint.sh            # from anywhere inside the repository
#   SS_VERSION=5.5.2 benchmarks/footprint.sh
#
# Shard is resolved inside the reactor (shard-core is a module, never installed): the same Maven run packages
# shard-core and shard-jdbc and then lists shard-jdbc's runtime dependencies, so shard-core resolves to its freshly
# built jar. Nothing is installed into ~/.m2. ShardingSphere is resolved from a throwaway pom in a temporary
# directory, i.e. as a user's project would see it, without the benchmarks module's dependency mediation.
#
# Connection pools and JDBC drivers are counted separately so that like can be compared with like:
#   library      everything but the pool and the drivers
#   + pool       library plus HikariCP (Shard needs it: one pool per shard; ShardingSphere brings its own 4.0.3)
#   as resolved  everything Maven puts on the classpath (ShardingSphere also brings H2, which its default
#                standalone mode uses for its metadata repository; Shard brings no driver)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SS_VERSION="${SS_VERSION:-5.5.2}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.9.0"
# groupId:artifactId patterns; everything else is "library".
POOL_RE='^(com\.zaxxer:HikariCP)$'
DRIVER_RE='^(com\.h2database:h2|com\.mysql:mysql-connector-j|mysql:mysql-connector-java|org\.mariadb\.jdbc:mariadb-java-client|org\.postgresql:postgresql)$'

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "Resolving shard-jdbc's runtime classpath (packages shard-core and shard-jdbc in the reactor)..." >&2
./mvnw -q -B -ntp -pl shard-jdbc -am package -DskipTests \
    "$DEP_PLUGIN:list" -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
    -DoutputFile=target/footprint-deps.txt >&2
SHARD_VERSION="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)"
SHARD_JDBC_JAR="$ROOT/shard-jdbc/target/shard-jdbc-$SHARD_VERSION.jar"
[ -f "$SHARD_JDBC_JAR" ] || { echo "missing $SHARD_JDBC_JAR" >&2; exit 1; }

echo "Resolving ShardingSphere-JDBC $SS_VERSION's runtime classpath (throwaway pom in $TMP)..." >&2
cat > "$TMP/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>footprint</groupId>
  <artifactId>shardingsphere-footprint</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.shardingsphere</groupId>
      <artifactId>shardingsphere-jdbc</artifactId>
      <version>$SS_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.shardingsphere</groupId>
      <artifactId>shardingsphere-sharding-core</artifactId>
      <version>$SS_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
./mvnw -q -B -ntp -f "$TMP/pom.xml" "$DEP_PLUGIN:list" -DincludeScope=runtime \
    -DoutputAbsoluteArtifactFilename=true -DoutputFile="$TMP/ss-deps.txt" >&2

# dependency:list lines look like
#   group:artifact:jar[:classifier]:version:scope:/abs/path.jar -- module name (auto)
# Emits: "group:artifact<TAB>version<TAB>bytes<TAB>kind<TAB>file name", one jar a line.
to_rows() {
    sed -n 's/^ *\([^ ]*:[^ ]*:[^ ]*\)\( -- module.*\)\{0,1\}$/\1/p' "$1" | while IFS= read -r line; do
        IFS=':' read -r -a f <<< "$line"
        local n=${#f[@]}
        local path="${f[n-1]}" version="${f[n-3]}" ga="${f[0]}:${f[1]}"
        [ "${f[2]}" = "jar" ] || continue
        local kind=library
        if [[ "$ga" =~ $POOL_RE ]]; then kind=pool; elif [[ "$ga" =~ $DRIVER_RE ]]; then kind=driver; fi
        printf '%s\t%s\t%s\t%s\t%s\n' "$ga" "$version" "$(stat -c %s "$path")" "$kind" "$(basename "$path")"
    done
}

{
    printf 'dev.shard:shard-jdbc\t%s\t%s\tlibrary\t%s\n' "$SHARD_VERSION" "$(stat -c %s "$SHARD_JDBC_JAR")" \
        "$(basename "$SHARD_JDBC_JAR")"
    to_rows shard-jdbc/target/footprint-deps.txt
} > "$TMP/shard.tsv"
to_rows "$TMP/ss-deps.txt" > "$TMP/ss.tsv"

# count and MiB of the rows whose kind matches $2
sum() {
    awk -F'\t' -v kinds="$2" '$4 ~ kinds { n++; b += $3 } END { printf "%d\t%.1f", n, b / 1048576 }' "$1"
}
row() {
    local label="$1" file="$2" kinds="$3" n mib
    IFS=$'\t' read -r n mib <<< "$(sum "$file" "$kinds")"
    printf '| %-48s | %4s | %7s |\n' "$label" "$n" "$mib"
}
has() { awk -F'\t' -v k="$2" '$4 == k { printf "%s%s", sep, $5; sep = ", " } END { if (!sep) printf "none" }' "$1"; }

echo
echo "Runtime classpath footprint (compile + runtime scope, transitive; MiB = 2^20 bytes)"
echo
printf '| %-48s | %4s | %7s |\n' "classpath" "jars" "MiB"
printf '|%s|%s|%s|\n' "--------------------------------------------------" "------" "---------"
row "Shard $SHARD_VERSION, library only" "$TMP/shard.tsv" '^library$'
row "Shard $SHARD_VERSION, + pool (as resolved)" "$TMP/shard.tsv" '^(library|pool)$'
row "ShardingSphere-JDBC $SS_VERSION, library only" "$TMP/ss.tsv" '^library$'
row "ShardingSphere-JDBC $SS_VERSION, + pool" "$TMP/ss.tsv" '^(library|pool)$'
row "ShardingSphere-JDBC $SS_VERSION, as resolved" "$TMP/ss.tsv" '^(library|pool|driver)$'
echo
echo "pool:   Shard: $(has "$TMP/shard.tsv" pool); ShardingSphere: $(has "$TMP/ss.tsv" pool)"
echo "driver: Shard: $(has "$TMP/shard.tsv" driver); ShardingSphere: $(has "$TMP/ss.tsv" driver)"
echo
echo "Shard's jars:"
echo
printf '| %-44s | %-14s | %9s | %-7s |\n' "artifact" "version" "KiB" "kind"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "----------------" "-----------" "---------"
sort -t$'\t' -k3,3nr "$TMP/shard.tsv" | awk -F'\t' '{ printf "| %-44s | %-14s | %9.0f | %-7s |\n", $1, $2, $3 / 1024, $4 }'
echo
echo "ShardingSphere-JDBC's 15 largest jars (of $(wc -l < "$TMP/ss.tsv")):"
echo
printf '| %-64s | %-10s | %9s | %-7s |\n' "artifact" "version" "KiB" "kind"
printf '|%s|%s|%s|%s|\n' "------------------------------------------------------------------" "------------" "-----------" "---------"
sort -t$'\t' -k3,3nr "$TMP/ss.tsv" | head -15 \
    | awk -F'\t' '{ printf "| %-64s | %-10s | %9.0f | %-7s |\n", $1, $2, $3 / 1024, $4 }'
echo
echo "ShardingSphere-JDBC's jars by group:"
echo
awk -F'\t' '{ split($1, ga, ":"); n[ga[1]]++; b[ga[1]] += $3 } END { for (g in n) printf "%d\t%.1f\t%s\n", n[g], b[g] / 1048576, g }' \
    "$TMP/ss.tsv" | sort -k2,2nr | awk -F'\t' '{ printf "  %3d jars %6.1f MiB  %s\n", $1, $2, $3 }'
