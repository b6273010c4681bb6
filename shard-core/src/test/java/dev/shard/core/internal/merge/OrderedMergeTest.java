package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedMergeTest {

    private static final ColumnInfo NAME_CI = MySqlMerge.ci("name");
    private static final ColumnInfo NAME_BIN = MySqlMerge.of("name");

    @Test
    void mergesSortedInputsAscending() throws SQLException {
        OrderedMerge merge = new OrderedMerge(List.of(MySqlMerge.asc(0)));
        assertThat(Rows.run(merge, Rows.cursor("1|a", "4|d", "7|g"), Rows.cursor("2|b", "5|e"),
                Rows.cursor("3|c", "6|f", "8|h")))
                .containsExactly("1|'a'", "2|'b'", "3|'c'", "4|'d'", "5|'e'", "6|'f'", "7|'g'", "8|'h'");
    }

    @Test
    void nullsFirstAscendingLastDescending() throws SQLException {
        assertThat(Rows.run(new OrderedMerge(List.of(MySqlMerge.asc(0))),
                Rows.cursor("NULL|s0", "2|s0"), Rows.cursor("NULL|s1", "1|s1")))
                .containsExactly("NULL|'s0'", "NULL|'s1'", "1|'s1'", "2|'s0'");
        assertThat(Rows.run(new OrderedMerge(List.of(MySqlMerge.desc(0))),
                Rows.cursor("2|s0", "NULL|s0"), Rows.cursor("3|s1", "NULL|s1")))
                .containsExactly("3|'s1'", "2|'s0'", "NULL|'s0'", "NULL|'s1'");
    }

    @Test
    void tiesComeOutInInputOrder() throws SQLException {
        assertThat(Rows.run(new OrderedMerge(List.of(MySqlMerge.asc(0))),
                Rows.cursor("1|s0a", "1|s0b"), Rows.cursor("1|s1a"), Rows.cursor("0|s2", "1|s2")))
                .containsExactly("0|'s2'", "1|'s0a'", "1|'s0b'", "1|'s1a'", "1|'s2'");
    }

    @Test
    void severalKeysWithMixedDirections() throws SQLException {
        // ORDER BY amount DESC, id ASC
        OrderedMerge merge = new OrderedMerge(List.of(MySqlMerge.desc(1), MySqlMerge.asc(0)));
        assertThat(Rows.run(merge, Rows.cursor("1|30", "4|20", "2|10"), Rows.cursor("3|30", "0|20", "5|NULL")))
                .containsExactly("1|30", "3|30", "0|20", "4|20", "2|10", "5|NULL");
    }

    @Test
    void mixedNumericTypesAcrossShards() throws SQLException {
        // One shard's driver returns Long, another's BigDecimal, a third Integer or Double: order by value.
        assertThat(Rows.run(new OrderedMerge(List.of(MySqlMerge.asc(0))),
                Rows.cursor("1", "5", "10"), Rows.cursor("2.50", "5.00"), Rows.cursor("i:3", "d:7.5")))
                .containsExactly("1", "2.50", "i:3", "5", "5.00", "d:7.5", "10");
    }

    @Test
    void caseInsensitiveKeysInterleaveCases() throws SQLException {
        // Under a _ci collation each shard sorts 'a' < 'B' < 'c'; a binary merge would put 'B' first.
        assertThat(Rows.run(new OrderedMerge(List.of(SortKey.asc(0, NAME_CI))),
                Rows.cursor("a", "c"), Rows.cursor("B", "D")))
                .containsExactly("'a'", "'B'", "'c'", "'D'");
        assertThat(Rows.run(new OrderedMerge(List.of(SortKey.asc(0, NAME_BIN))),
                Rows.cursor("B", "a"), Rows.cursor("D", "c")))
                .containsExactly("'B'", "'D'", "'a'", "'c'");
    }

    @Test
    void emptyAndSingleInputs() throws SQLException {
        OrderedMerge merge = new OrderedMerge(List.of(MySqlMerge.asc(0)));
        assertThat(Rows.run(merge, Rows.empty(1), Rows.empty(1))).isEmpty();
        assertThat(Rows.run(merge, Rows.empty(1), Rows.cursor("1", "2"), Rows.empty(1))).containsExactly("1", "2");
        assertThat(Rows.run(merge, Rows.cursor("1", "2"))).containsExactly("1", "2");
    }

    @Test
    void readsOneRowAheadPerInputOnly() throws SQLException {
        List<FakeCursor> inputs = generated(4, 1000);
        try (RowCursor cursor = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(inputs)) {
            for (int i = 0; i < 10; i++) {
                assertThat(cursor.next()).isTrue();
                assertThat(cursor.get(0)).isEqualTo((long) i);
            }
        }
        long pulled = inputs.stream().mapToLong(FakeCursor::pulls).sum();
        // 10 rows returned plus the one-row lookahead of each of the 4 inputs, at most.
        assertThat(pulled).isLessThanOrEqualTo(10 + 4);
        assertThat(inputs).allMatch(FakeCursor::closed);
    }

    @Test
    void copiesRowsSoInputsMayForgetThem() throws SQLException {
        // FakeCursor drops its row when advanced, like JDBC: values must survive in the queue.
        try (RowCursor cursor = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(
                List.of(Rows.cursor("1|a", "3|c"), Rows.cursor("2|b")))) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.get(1)).isEqualTo("a");
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.get(1)).isEqualTo("b");
        }
    }

    @Test
    void anInputOutOfOrderIsAnErrorNotAWrongAnswer() {
        // e.g. a shard whose collation orders 'a_b' before 'a0', which the merge orders the other way.
        OrderedMerge merge = new OrderedMerge(List.of(SortKey.asc(0, NAME_CI)));
        assertThatThrownBy(() -> Rows.run(merge, Rows.cursor("a_b", "a0"), Rows.cursor("a_b", "a0")))
                .isInstanceOf(SQLException.class).hasMessageContaining("shard input 0 is not sorted by [0 ASC ci]");
    }

    @Test
    void aFailureSticks() throws SQLException {
        RowCursor cursor = new OrderedMerge(List.of(MySqlMerge.asc(0))).open(
                List.of(Rows.cursor("1", "0", "5"), Rows.cursor("2")));
        assertThat(cursor.next()).isTrue();
        assertThatThrownBy(cursor::next).isInstanceOf(SQLException.class).hasMessageContaining("not sorted");
        // Reading on would skip the row that failed: every later call fails too.
        assertThatThrownBy(cursor::next).isInstanceOf(SQLException.class).hasMessageContaining("failed earlier");
        cursor.close();
    }

    @Test
    void incomparableValuesAreAnSqlError() {
        OrderedMerge merge = new OrderedMerge(List.of(MySqlMerge.asc(0)));
        assertThatThrownBy(() -> Rows.run(merge, Rows.cursor("'1'"), Rows.cursor("2")))
                .isInstanceOf(SQLException.class).hasMessageContaining("cannot compare");
    }

    @Test
    void rejectsAKeyPastTheLastColumnAndLeavesInputsToTheCaller() {
        FakeCursor input = Rows.cursor("1");
        assertThatThrownBy(() -> new OrderedMerge(List.of(MySqlMerge.asc(1))).open(List.of(input)))
                .isInstanceOf(SQLException.class).hasMessageContaining("column 1");
    }

    @Test
    void describesItself() {
        assertThat(new OrderedMerge(List.of(MySqlMerge.desc(2), MySqlMerge.asc(0), SortKey.asc(1, NAME_CI))).describe())
                .isEqualTo("OrderedMerge(keys=[2 DESC, 0 ASC, 1 ASC ci])");
    }

    /** {@code shards} inputs of {@code rows} rows each, interleaved: input k holds k, k + shards, ... */
    static List<FakeCursor> generated(int shards, long rows) {
        List<FakeCursor> inputs = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            long shard = k;
            inputs.add(new FakeCursor(2, rows, i -> new Object[] {i * shards + shard, "s" + shard}));
        }
        return inputs;
    }
}
