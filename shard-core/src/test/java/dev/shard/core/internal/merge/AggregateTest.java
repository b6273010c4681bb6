package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.AggregateColumn.countDistinct;
import static dev.shard.core.internal.merge.AggregateColumn.max;
import static dev.shard.core.internal.merge.AggregateColumn.min;
import static dev.shard.core.internal.merge.AggregateColumn.sumDistinct;
import static dev.shard.core.internal.merge.MySqlMerge.avg;
import static dev.shard.core.internal.merge.MySqlMerge.count;
import static dev.shard.core.internal.merge.MySqlMerge.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateTest {

    private static final ColumnInfo STATUS = MySqlMerge.ci("status");

    private static List<String> aggregate(List<AggregateColumn> columns, FakeCursor... shards) throws SQLException {
        return Rows.run(new Aggregate(columns), new Concat().open(List.of(shards)));
    }

    @Test
    void combinesPartialAggregates() throws SQLException {
        // SELECT COUNT(*), SUM(amount), MIN(amount), MAX(amount): one partial row per shard.
        assertThat(aggregate(List.of(count(0), sum(1), min(2, MySqlMerge.PLAIN), max(3, MySqlMerge.PLAIN)),
                Rows.cursor("3|60|5|30"), Rows.cursor("2|15|7|8"), Rows.cursor("0|NULL|NULL|NULL")))
                .containsExactly("5|75|5|30");
    }

    @Test
    void sumOfIntegerPartialsIsDecimalAndDoubleStaysDouble() throws SQLException {
        // MySQL's SUM of an integer column is a DECIMAL; a driver handing back Long partials still gets one.
        assertThat(aggregate(List.of(sum(0)), Rows.cursor("3"), Rows.cursor("4"))).containsExactly("7");
        try (RowCursor c = new Aggregate(List.of(sum(0))).open(new Concat().open(List.of(Rows.cursor("3"))))) {
            c.next();
            assertThat(c.get(0)).isInstanceOf(BigDecimal.class);
        }
        assertThat(aggregate(List.of(sum(0)), Rows.cursor("1.50"), Rows.cursor("2.25"))).containsExactly("3.75");
        assertThat(aggregate(List.of(sum(0)), Rows.cursor("d:1.5"), Rows.cursor("d:2.25"))).containsExactly("d:3.75");
        assertThat(aggregate(List.of(sum(0)), Rows.cursor("NULL"), Rows.cursor("NULL"))).containsExactly("NULL");
        // Mixed numeric types across shards: by value.
        assertThat(aggregate(List.of(sum(0)), Rows.cursor("i:2"), Rows.cursor("2.5"), Rows.cursor("3")))
                .containsExactly("7.5");
    }

    @Test
    void emptyInputGivesMySqlsEmptyAnswers() throws SQLException {
        assertThat(aggregate(List.of(count(0), sum(1), min(2, MySqlMerge.PLAIN), max(3, MySqlMerge.PLAIN),
                avg(4, 5), countDistinct(6, MySqlMerge.PLAIN)), Rows.empty(7)))
                .containsExactly("0|NULL|NULL|NULL|NULL|0|0");
        // Shards whose tables are empty report COUNT 0 and NULL sums.
        assertThat(aggregate(List.of(count(0), sum(1), avg(2, 3)), Rows.cursor("0|NULL|NULL|0"),
                Rows.cursor("0|NULL|NULL|0"))).containsExactly("0|NULL|NULL|0");
    }

    @Test
    void avgHasTheSumsScalePlusFour() throws SQLException {
        // AVG(int) over 1, 2 and 2 (sum 5, count 3) is 1.6667 in MySQL: the scale of a DECIMAL sum of
        // integers (0) + div_precision_increment (4), rounded half up.
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("3|2"), Rows.cursor("2|1")))
                .containsExactly("1.6667|3");
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("1|1"), Rows.cursor("2|1")))
                .containsExactly("1.5000|2");
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("-5|3"))).containsExactly("-1.6667|3");
        // AVG of DECIMAL(10,2): scale 6.
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("10.00|3"), Rows.cursor("NULL|0")))
                .containsExactly("3.333333|3");
        // AVG of DOUBLE is a DOUBLE.
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("d:1.0|1"), Rows.cursor("d:2.0|3")))
                .containsExactly("d:0.75|4");
        // No non-NULL values: NULL.
        assertThat(aggregate(List.of(avg(0, 1)), Rows.cursor("NULL|0"))).containsExactly("NULL|0");
    }

    @Test
    void avgCountColumnIsSummedEvenIfNotListed() {
        assertThat(new Aggregate(List.of(avg(0, 1))).aggregates()).containsExactly(avg(0, 1), count(1));
        assertThat(new Aggregate(List.of(avg(0, 1), count(1))).aggregates()).containsExactly(avg(0, 1), count(1));
    }

    @Test
    void minAndMaxUseMySqlOrderAndIgnoreNulls() throws SQLException {
        assertThat(aggregate(List.of(min(0, STATUS), max(1, STATUS)), Rows.cursor("b|b"), Rows.cursor("A|C"),
                Rows.cursor("NULL|NULL"))).containsExactly("'A'|'C'");
        assertThat(aggregate(List.of(min(0, MySqlMerge.of("s")), max(1, MySqlMerge.of("s"))), Rows.cursor("b|b"),
                Rows.cursor("A|C"))).containsExactly("'A'|'b'");
        // Equal under ci: the first spelling seen wins.
        assertThat(aggregate(List.of(max(0, STATUS)), Rows.cursor("paid"), Rows.cursor("PAID")))
                .containsExactly("'paid'");
        assertThat(aggregate(List.of(min(0, MySqlMerge.PLAIN)), Rows.cursor("5"), Rows.cursor("4.99"),
                Rows.cursor("i:6"))).containsExactly("4.99");
    }

    @Test
    void countDistinctCountsValueChangesOfASortedStream() throws SQLException {
        // SELECT COUNT(DISTINCT status): each shard returns its distinct statuses sorted; merged in order.
        RowCursor merged = new OrderedMerge(List.of(SortKey.asc(0, STATUS))).open(List.of(
                Rows.cursor("NULL", "paid", "shipped"), Rows.cursor("new", "PAID"), Rows.cursor("Shipped ")));
        assertThat(Rows.run(new Aggregate(List.of(countDistinct(0, STATUS))), merged)).containsExactly("3");
    }

    @Test
    void countDistinctAlongsidePartialCountsOfTheSameGroups() throws SQLException {
        // SELECT COUNT(DISTINCT x), COUNT(*): shards run GROUP BY x ORDER BY x, returning x twice and COUNT(*).
        RowCursor merged = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(List.of(
                Rows.cursor("1|1|2", "3|3|1"), Rows.cursor("NULL|NULL|5", "1|1|4", "2.0|2.0|1")));
        assertThat(Rows.run(new Aggregate(List.of(countDistinct(0, MySqlMerge.PLAIN),
                sumDistinct(1, MySqlMerge.PLAIN), count(2))), merged)).containsExactly("3|6.0|13");
    }

    @Test
    void distinctAggregatesOverMixedNumericTypes() throws SQLException {
        RowCursor merged = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(List.of(
                Rows.cursor("1", "2", "5"), Rows.cursor("1.00", "i:2", "4.50")));
        assertThat(Rows.run(new Aggregate(List.of(sumDistinct(0, MySqlMerge.PLAIN))), merged))
                .containsExactly("12.50");
        RowCursor doubles = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(List.of(
                Rows.cursor("d:1.5", "d:2.5"), Rows.cursor("d:1.5")));
        assertThat(Rows.run(new Aggregate(List.of(AggregateColumn.avgDistinct(0, MySqlMerge.PLAIN))), doubles))
                .containsExactly("d:2.0");
        RowCursor ints = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(List.of(
                Rows.cursor("1", "2"), Rows.cursor("2", "4")));
        assertThat(Rows.run(new Aggregate(List.of(AggregateColumn.avgDistinct(0, MySqlMerge.PLAIN))), ints))
                .containsExactly("2.3333");
    }

    @Test
    void distinctAggregatesRefuseUnsortedInput() {
        // A Concat of two sorted shards is not sorted: counting value changes would count 1 twice.
        assertThatThrownBy(() -> aggregate(List.of(countDistinct(0, MySqlMerge.PLAIN)),
                Rows.cursor("1", "3"), Rows.cursor("1", "2")))
                .isInstanceOf(SQLException.class).hasMessageContaining("needs its values sorted");
    }

    @Test
    void passThroughColumnsTakeTheFirstNonNullValue() throws SQLException {
        // SELECT name, COUNT(*) without ONLY_FULL_GROUP_BY: an empty shard reports NULL for name.
        assertThat(aggregate(List.of(count(1)), Rows.cursor("NULL|0"), Rows.cursor("bob|2"), Rows.cursor("al|1")))
                .containsExactly("'bob'|3");
    }

    @Test
    void closesInputsAndReturnsExactlyOneRow() throws SQLException {
        FakeCursor shard = Rows.cursor("1");
        try (RowCursor cursor = new Aggregate(List.of(count(0))).open(new Concat().open(List.of(shard)))) {
            assertThat(cursor.next()).isTrue();
            assertThat(shard.closed()).isTrue();
            assertThat(cursor.get(0)).isEqualTo(1L);
            assertThat(cursor.next()).isFalse();
            assertThatThrownBy(() -> cursor.get(0)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void validatesColumns() {
        assertThatThrownBy(() -> new Aggregate(List.of(count(0), sum(0)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> avg(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Aggregate(List.of(count(3))).open(Rows.cursor("1")))
                .isInstanceOf(SQLException.class).hasMessageContaining("column 3");
    }

    @Test
    void describesItself() {
        assertThat(new Aggregate(List.of(count(0), sum(1), avg(2, 3), countDistinct(4, STATUS))).describe())
                .isEqualTo("Aggregate(count(0), sum(1), avg(2/3), count_distinct(4 ci), count(3))");
    }
}
