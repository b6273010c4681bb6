package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.AggregateColumn.max;
import static dev.shard.core.internal.merge.AggregateColumn.min;
import static dev.shard.core.internal.merge.MySqlMerge.avg;
import static dev.shard.core.internal.merge.MySqlMerge.col;
import static dev.shard.core.internal.merge.MySqlMerge.count;
import static dev.shard.core.internal.merge.MySqlMerge.gt;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static dev.shard.core.internal.merge.MySqlMerge.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MergePlanTest {

    private static final ColumnInfo STATUS = MySqlMerge.ci("status");

    @Test
    void describesAComposedPlanAsATree() {
        MergePlan plan = MergePlan.orderedMerge(SortKey.asc(0, STATUS))
                .groupAggregate(List.of(SortKey.asc(0, STATUS)), List.of(count(1), avg(2, 3)))
                .filter(gt(col(1, MySqlMerge.of("cnt")), lit(10L)))
                .sort(MySqlMerge.desc(1))
                .limit(0, 3)
                .project(0, 1, 2)
                .build();
        assertThat(plan.describe(4)).isEqualTo(String.join("\n",
                "Project(columns=[0, 1, 2])",
                "  Limit(offset=0, count=3)",
                "    MemorySort(keys=[1 DESC], top=3)",
                "      Filter(cnt > 10)",
                "        GroupAggregate(keys=[0 ASC ci], aggregates=[count(1), avg(2/3), count(3)])",
                "          OrderedMerge(keys=[0 ASC ci])",
                "            Shards(4)",
                ""));
        assertThat(MergePlan.orderedMerge(MySqlMerge.desc(2), MySqlMerge.asc(0)).limit(20, 10).build().describe())
                .isEqualTo("Limit(offset=20, count=10)\n  OrderedMerge(keys=[2 DESC, 0 ASC])\n    Shards\n");
    }

    @Test
    void topNIsFusedOnlyWhenABoundedLimitFollowsTheSort() {
        assertThat(MergePlan.concat().sort(MySqlMerge.asc(0)).project(0).limit(5, 10).build().steps().get(0))
                .isEqualTo(new MemorySort(List.of(MySqlMerge.asc(0)), 15));
        assertThat(MergePlan.concat().sort(MySqlMerge.asc(0)).limit(5, Limit.UNBOUNDED).build().steps().get(0))
                .isEqualTo(new MemorySort(List.of(MySqlMerge.asc(0))));
        // A Filter between them changes the row count: fusing would be wrong.
        assertThat(MergePlan.concat().sort(MySqlMerge.asc(0)).filter(lit(true)).limit(0, 1).build().steps().get(0))
                .isEqualTo(new MemorySort(List.of(MySqlMerge.asc(0))));
    }

    @Test
    void orderByWithLimitAndAHiddenSortColumn() throws SQLException {
        // SELECT id FROM t ORDER BY amount DESC, id LIMIT 1, 3: the rewrite selects amount too, then hides it.
        MergePlan plan = MergePlan.orderedMerge(MySqlMerge.desc(1), MySqlMerge.asc(0)).limit(1, 3).project(0).build();
        assertThat(Rows.run(plan, Rows.cursor("1|30", "4|20.0", "7|NULL"), Rows.cursor("2|30.00", "3|25", "5|5")))
                .containsExactly("2", "3", "4");
    }

    @Test
    void groupByHavingOrderByCountLimit() throws SQLException {
        // SELECT status, COUNT(*) c, AVG(amount) FROM orders GROUP BY status HAVING c > 1 ORDER BY c DESC LIMIT 2
        // Shard query: SELECT status, COUNT(*), SUM(amount), COUNT(amount) ... GROUP BY status ORDER BY status.
        MergePlan plan = MergePlan.orderedMerge(SortKey.asc(0, STATUS))
                .groupAggregate(List.of(SortKey.asc(0, STATUS)), List.of(count(1), avg(2, 3)))
                .filter(gt(col(1, MySqlMerge.of("c")), lit(1L)))
                .sort(MySqlMerge.desc(1))
                .limit(0, 2)
                .project(0, 1, 2)
                .build();
        List<String> rows = Rows.run(plan,
                Rows.cursor("new|1|10|1", "paid|2|30|2", "refunded|1|NULL|0"),
                Rows.cursor("NEW|2|5|2", "PAID|4|10|4", "shipped|1|7|1"),
                Rows.cursor("new|1|1|1", "Paid|1|NULL|0", "shipped|1|8|1"));
        assertThat(rows).containsExactly("'paid'|7|6.6667", "'new'|4|4.0000");
    }

    @Test
    void aggregateWithoutGroupByOverEmptyShards() throws SQLException {
        // SELECT COUNT(*), SUM(x), AVG(x) over empty tables: one row, like MySQL.
        MergePlan plan = MergePlan.concat().aggregate(count(0), sum(1), avg(2, 3)).project(0, 1, 2).build();
        assertThat(Rows.run(plan, Rows.cursor("0|NULL|NULL|0"), Rows.cursor("0|NULL|NULL|0")))
                .containsExactly("0|NULL|NULL");
    }

    @Test
    void distinctWithLimit() throws SQLException {
        // SELECT DISTINCT name FROM t ORDER BY name LIMIT 3
        MergePlan plan = MergePlan.orderedMerge(SortKey.asc(0, MySqlMerge.ci("name")))
                .distinct(SortKey.asc(0, MySqlMerge.ci("name"))).limit(0, 3).build();
        assertThat(Rows.run(plan, Rows.cursor("Ann", "bob", "dan"), Rows.cursor("ann", "BOB", "cy", "eve")))
                .containsExactly("'Ann'", "'bob'", "'cy'");
    }

    @Test
    void deepOffsetThroughThePlan() throws SQLException {
        List<FakeCursor> shards = OrderedMergeTest.generated(4, 500_000);
        MergePlan plan = MergePlan.orderedMerge(MySqlMerge.asc(0)).limit(1_500_000, 10).project(0).build();
        List<String> rows;
        try (RowCursor cursor = plan.open(shards)) {
            rows = Rows.drain(cursor);
        }
        assertThat(rows).hasSize(10).first().isEqualTo("1500000");
        assertThat(rows).last().isEqualTo("1500009");
        assertThat(shards).allMatch(FakeCursor::closed);
    }

    @Test
    void failureToOpenClosesTheShards() {
        FakeCursor a = Rows.cursor("1");
        FakeCursor b = Rows.cursor("2");
        MergePlan plan = MergePlan.orderedMerge(MySqlMerge.asc(0)).project(0, 5).build();
        assertThatThrownBy(() -> plan.open(List.of(a, b))).isInstanceOf(SQLException.class);
        assertThat(a.closed()).isTrue();
        assertThat(b.closed()).isTrue();
        FakeCursor c = Rows.cursor("1");
        FakeCursor d = Rows.cursor("1|2");
        assertThatThrownBy(() -> MergePlan.concat().build().open(List.of(c, d))).isInstanceOf(SQLException.class);
        assertThat(c.closed()).isTrue();
        assertThat(d.closed()).isTrue();
    }

    @Test
    void groupByMatchesAReferenceComputationOnRandomData() throws SQLException {
        // Random orders spread over 4 shards; each shard computes its partial GROUP BY like MySQL would, and the
        // merged answer must equal grouping all rows in one place.
        Random random = new Random(7);
        String[] statuses = {"new", "NEW", "paid", "Paid", "PAID ", "shipped", "Shipped", "refunded", null};
        int shards = 4;
        List<List<Object[]>> perShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            perShard.add(new ArrayList<>());
        }
        List<Object[]> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Object[] order = {statuses[random.nextInt(statuses.length)],
                    random.nextInt(10) == 0 ? null : BigDecimal.valueOf(random.nextInt(100_000), 2)};
            all.add(order);
            perShard.get(random.nextInt(shards)).add(order);
        }
        List<RowCursor> cursors = new ArrayList<>();
        for (List<Object[]> rows : perShard) {
            cursors.add(FakeCursor.of(7, partials(rows)));
        }
        // SELECT status, COUNT(*), SUM(amount), MIN(amount), MAX(amount), AVG(amount) GROUP BY status
        MergePlan plan = MergePlan.orderedMerge(SortKey.asc(0, STATUS))
                .groupAggregate(List.of(SortKey.asc(0, STATUS)),
                        List.of(count(1), sum(2), min(3, MySqlMerge.PLAIN), max(4, MySqlMerge.PLAIN), avg(5, 6)))
                .project(0, 1, 2, 3, 4, 5)
                .build();
        List<String> merged = new ArrayList<>();
        for (String row : drain(plan, cursors)) {
            merged.add(normaliseKey(row));
        }
        assertThat(merged).isEqualTo(reference(all));
    }

    /** One shard's {@code status, COUNT(*), SUM(amount), MIN, MAX, SUM(amount), COUNT(amount)} ordered by status. */
    private static List<Object[]> partials(List<Object[]> rows) {
        Map<Object, List<Object[]>> groups = new TreeMap<>(Comparator.nullsFirst(
                Comparator.comparing(k -> (String) k)));
        for (Object[] row : rows) {
            groups.computeIfAbsent(STATUS.comparator().groupKey(row[0]), k -> new ArrayList<>()).add(row);
        }
        List<Object[]> result = new ArrayList<>();
        for (List<Object[]> group : groups.values()) {
            BigDecimal sum = null;
            BigDecimal min = null;
            BigDecimal max = null;
            long nonNull = 0;
            for (Object[] row : group) {
                BigDecimal amount = (BigDecimal) row[1];
                if (amount != null) {
                    sum = sum == null ? amount : sum.add(amount);
                    min = min == null || amount.compareTo(min) < 0 ? amount : min;
                    max = max == null || amount.compareTo(max) > 0 ? amount : max;
                    nonNull++;
                }
            }
            result.add(new Object[] {group.get(0)[0], (long) group.size(), sum, min, max, sum, nonNull});
        }
        return result;
    }

    private static List<String> reference(List<Object[]> all) {
        List<Object[]> groups = partials(all);
        List<String> rows = new ArrayList<>();
        for (Object[] g : groups) {
            BigDecimal sum = (BigDecimal) g[2];
            long nonNull = (Long) g[6];
            Object avg = nonNull == 0 ? null : sum.divide(BigDecimal.valueOf(nonNull), sum.scale() + 4,
                    RoundingMode.HALF_UP);
            rows.add(normaliseKey(String.join("|", Rows.render(g[0]), Rows.render(g[1]), Rows.render(sum),
                    Rows.render(g[3]), Rows.render(g[4]), Rows.render(avg))));
        }
        return rows;
    }

    /** The group key's spelling is any of the group's; compare folded. */
    private static String normaliseKey(String row) {
        int bar = row.indexOf('|');
        return MySqlMerge.fold(row.substring(0, bar)).toLowerCase(Locale.ROOT).replace(" '", "'")
                + row.substring(bar);
    }

    private static List<String> drain(MergePlan plan, List<RowCursor> cursors) throws SQLException {
        try (RowCursor cursor = plan.open(cursors)) {
            return Rows.drain(cursor);
        }
    }
}
