package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.AggregateColumn.countDistinct;
import static dev.shard.core.internal.merge.AggregateColumn.max;
import static dev.shard.core.internal.merge.MySqlMerge.avg;
import static dev.shard.core.internal.merge.MySqlMerge.count;
import static dev.shard.core.internal.merge.MySqlMerge.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupAggregateTest {

    private static final ColumnInfo STATUS = MySqlMerge.ci("status");

    /** Merges the shards on {@code keys} and groups on the same keys, as a plan does. */
    private static List<String> group(List<SortKey> keys, List<AggregateColumn> aggregates, FakeCursor... shards)
            throws SQLException {
        RowCursor merged = new OrderedMerge(keys).open(List.of(shards));
        return Rows.run(new GroupAggregate(keys, aggregates), merged);
    }

    @Test
    void combinesEachGroupsPartialsAcrossShards() throws SQLException {
        // SELECT status, COUNT(*), SUM(amount) ... GROUP BY status
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(count(1), sum(2)),
                Rows.cursor("new|1|10", "paid|2|30"), Rows.cursor("paid|3|5", "shipped|1|7"), Rows.cursor("new|4|1")))
                .containsExactly("'new'|5|11", "'paid'|5|35", "'shipped'|1|7");
    }

    @Test
    void caseInsensitiveKeysGroupTogetherWithTheFirstSpelling() throws SQLException {
        assertThat(group(List.of(SortKey.asc(0, STATUS)), List.of(count(1)),
                Rows.cursor("new|1", "paid|2"), Rows.cursor("PAID|3", "Paid |1"), Rows.cursor("Nèw|4")))
                .containsExactly("'new'|5", "'paid'|6");
        // Binary keys keep them apart, in code point order.
        assertThat(group(List.of(SortKey.asc(0, MySqlMerge.of("status"))), List.of(count(1)),
                Rows.cursor("PAID|3", "paid|2"), Rows.cursor("PAID|1")))
                .containsExactly("'PAID'|4", "'paid'|2");
    }

    @Test
    void nullIsOneGroupAndSortsFirst() throws SQLException {
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(count(1)),
                Rows.cursor("NULL|1", "1|1"), Rows.cursor("NULL|2", "2|1")))
                .containsExactly("NULL|3", "1|1", "2|1");
    }

    @Test
    void mixedNumericKeysAcrossShardsAreOneGroup() throws SQLException {
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(count(1)),
                Rows.cursor("1|1", "2|1"), Rows.cursor("1.00|2", "i:2|3"), Rows.cursor("d:2.0|4")))
                .containsExactly("1|3", "2|8");
    }

    @Test
    void severalKeysAndDescendingOrder() throws SQLException {
        // GROUP BY region, year ORDER BY region DESC, year
        List<SortKey> keys = List.of(SortKey.desc(0, MySqlMerge.ci("region")), MySqlMerge.asc(1));
        assertThat(group(keys, List.of(sum(2), max(3, MySqlMerge.PLAIN)),
                Rows.cursor("west|2023|1|5", "west|2024|2|6", "east|2024|3|7"),
                Rows.cursor("WEST|2024|4|1", "east|2023|5|9", "east|2024|6|NULL")))
                .containsExactly("'west'|2023|1|5", "'west'|2024|6|6", "'east'|2023|5|9", "'east'|2024|9|7");
    }

    @Test
    void avgPerGroup() throws SQLException {
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(avg(1, 2)),
                Rows.cursor("a|3|2", "b|NULL|0"), Rows.cursor("a|2|1", "b|7|2")))
                .containsExactly("'a'|1.6667|3", "'b'|3.5000|2");
    }

    @Test
    void countDistinctPerGroupOverRowsSortedByGroupThenValue() throws SQLException {
        // SELECT status, COUNT(DISTINCT customer) ... GROUP BY status: shards run GROUP BY status, customer
        // ORDER BY status, customer; merged on both, grouped on status.
        RowCursor merged = new OrderedMerge(List.of(SortKey.asc(0, STATUS), SortKey.asc(1, MySqlMerge.ci("c"))))
                .open(List.of(Rows.cursor("new|ann", "new|bob", "paid|ann"),
                        Rows.cursor("NEW|Bob", "new|cy", "paid|NULL", "paid|ANN")));
        assertThat(Rows.run(new GroupAggregate(List.of(SortKey.asc(0, STATUS)),
                List.of(countDistinct(1, MySqlMerge.ci("c")))), merged))
                .containsExactly("'new'|3", "'paid'|1");
    }

    @Test
    void emptyInputGivesNoGroups() throws SQLException {
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(count(1)), Rows.empty(2), Rows.empty(2))).isEmpty();
    }

    @Test
    void otherColumnsTakeTheGroupsFirstNonNullValue() throws SQLException {
        assertThat(group(List.of(MySqlMerge.asc(0)), List.of(count(2)),
                Rows.cursor("1|NULL|1", "2|x|1"), Rows.cursor("1|y|1", "1|z|1")))
                .containsExactly("1|'y'|3", "2|'x'|1");
    }

    @Test
    void streamsOneGroupAtATime() throws SQLException {
        // 3 shards x 100,000 rows, one group per id: the first two groups need only the first few rows.
        List<FakeCursor> shards = OrderedMergeTest.generated(3, 100_000);
        RowCursor merged = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards);
        try (RowCursor groups = new GroupAggregate(List.of(MySqlMerge.asc(0)), List.of()).open(merged)) {
            assertThat(groups.next()).isTrue();
            assertThat(groups.get(0)).isEqualTo(0L);
            assertThat(groups.next()).isTrue();
            assertThat(groups.get(0)).isEqualTo(1L);
        }
        assertThat(shards.stream().mapToLong(FakeCursor::pulls).sum()).isLessThanOrEqualTo(3 + 3);
        assertThat(shards).allMatch(FakeCursor::closed);
    }

    @Test
    void unsortedInputIsAnErrorNotDuplicateGroups() {
        assertThatThrownBy(() -> Rows.run(new GroupAggregate(List.of(MySqlMerge.asc(0)), List.of(count(1))),
                new Concat().open(List.of(Rows.cursor("a|1", "b|1"), Rows.cursor("a|1")))))
                .isInstanceOf(SQLException.class).hasMessageContaining("GroupAggregate input is not sorted");
    }

    @Test
    void validatesKeysAndAggregates() {
        assertThatThrownBy(() -> new GroupAggregate(List.of(MySqlMerge.asc(0)), List.of(count(0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupAggregate(List.of(), List.of(count(0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesItself() {
        assertThat(new GroupAggregate(List.of(SortKey.asc(0, STATUS)), List.of(count(1), avg(2, 3))).describe())
                .isEqualTo("GroupAggregate(keys=[0 ASC ci], aggregates=[count(1), avg(2/3), count(3)])");
    }
}
