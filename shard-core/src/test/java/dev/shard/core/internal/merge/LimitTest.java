package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitTest {

    @Test
    void skipsOffsetAndStopsAfterCount() throws SQLException {
        assertThat(Rows.run(new Limit(1, 2), Rows.cursor("1", "2", "3", "4"))).containsExactly("2", "3");
        assertThat(Rows.run(new Limit(0, 10), Rows.cursor("1", "2"))).containsExactly("1", "2");
        assertThat(Rows.run(new Limit(5, 10), Rows.cursor("1", "2"))).isEmpty();
        assertThat(Rows.run(new Limit(2, Limit.UNBOUNDED), Rows.cursor("1", "2", "3", "NULL")))
                .containsExactly("3", "NULL");
        assertThat(Rows.run(new Limit(0, 3), Rows.empty(1))).isEmpty();
    }

    @Test
    void countZeroReadsNothing() throws SQLException {
        FakeCursor input = Rows.cursor("1", "2");
        assertThat(Rows.run(new Limit(0, 0), input)).isEmpty();
        assertThat(input.pulls()).isZero();
        assertThat(input.closed()).isTrue();
    }

    @Test
    void closesTheInputAsSoonAsTheCountIsReached() throws SQLException {
        FakeCursor input = Rows.cursor("1", "2", "3", "4");
        try (RowCursor cursor = new Limit(0, 2).open(input)) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.get(0)).isEqualTo(2L);
            assertThat(input.closed()).isFalse();
            assertThat(cursor.next()).isFalse();
            assertThat(input.closed()).isTrue();
            assertThat(input.pulls()).isEqualTo(2);
        }
    }

    @Test
    void closingEarlyClosesTheInputs() throws SQLException {
        List<FakeCursor> shards = OrderedMergeTest.generated(3, 100);
        RowCursor cursor = new Limit(0, 50).open(new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards));
        assertThat(cursor.next()).isTrue();
        cursor.close();
        assertThat(shards).allMatch(FakeCursor::closed);
    }

    @Test
    void pullsAreBoundedOverAnOrderedMerge() throws SQLException {
        List<FakeCursor> shards = OrderedMergeTest.generated(4, 1000);
        RowCursor merged = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards);
        assertThat(Rows.run(new Limit(0, 10), merged)).hasSize(10).startsWith("0|'s0'").endsWith("9|'s1'");
        for (FakeCursor shard : shards) {
            assertThat(shard.pulls()).isLessThanOrEqualTo(10 + 1);
            assertThat(shard.closed()).isTrue();
        }
        assertThat(shards.stream().mapToLong(FakeCursor::pulls).sum()).isLessThanOrEqualTo(10 + 4);
    }

    @Test
    void deepOffsetStreamsWithoutHoldingRows() throws SQLException {
        // 4 shards x 500,000 lazily generated rows: nothing is materialised, by the inputs or by the merge.
        List<FakeCursor> shards = OrderedMergeTest.generated(4, 500_000);
        RowCursor merged = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards);
        List<String> rows = Rows.run(new Limit(1_500_000, 10), merged);
        assertThat(rows).containsExactly("1500000|'s0'", "1500001|'s1'", "1500002|'s2'", "1500003|'s3'",
                "1500004|'s0'", "1500005|'s1'", "1500006|'s2'", "1500007|'s3'", "1500008|'s0'", "1500009|'s1'");
        // Each shard was read only about a quarter of the way in.
        for (FakeCursor shard : shards) {
            assertThat(shard.pulls()).isBetween(375_000L, 375_004L);
        }
    }

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> new Limit(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(0, -2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Limit(Long.MAX_VALUE, 10).rowsNeeded()).isEqualTo(Limit.UNBOUNDED);
        assertThat(new Limit(20, 10).rowsNeeded()).isEqualTo(30);
    }

    @Test
    void describesItself() {
        assertThat(new Limit(20, 10).describe()).isEqualTo("Limit(offset=20, count=10)");
        assertThat(new Limit(5, Limit.UNBOUNDED).describe()).isEqualTo("Limit(offset=5, count=all)");
    }
}
