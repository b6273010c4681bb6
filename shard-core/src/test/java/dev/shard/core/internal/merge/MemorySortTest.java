package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySortTest {

    @Test
    void sortsAllRowsStably() throws SQLException {
        // ORDER BY count DESC over grouped rows; ties keep their input order.
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.desc(1))),
                Rows.cursor("a|3", "b|7", "c|NULL", "d|3", "e|9")))
                .containsExactly("'e'|9", "'b'|7", "'a'|3", "'d'|3", "'c'|NULL");
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(1))), Rows.cursor("a|3", "b|NULL", "c|1.5")))
                .containsExactly("'b'|NULL", "'c'|1.5", "'a'|3");
    }

    @Test
    void caseInsensitiveAndMixedTypes() throws SQLException {
        assertThat(Rows.run(new MemorySort(List.of(SortKey.asc(0, MySqlMerge.ci("s")), MySqlMerge.desc(1))),
                Rows.cursor("b|1", "A|2", "a|3.5", "B|i:2")))
                .containsExactly("'a'|3.5", "'A'|2", "'B'|i:2", "'b'|1");
    }

    @Test
    void emptyAndSingleRow() throws SQLException {
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(0))), Rows.empty(1))).isEmpty();
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(0)), 3), Rows.empty(1))).isEmpty();
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(0)), 3), Rows.cursor("1"))).containsExactly("1");
    }

    @Test
    void topNKeepsOnlyTheBestRowsAndMatchesAFullSort() throws SQLException {
        // 10,000 groups with counts cycling through 0..96: the top 3 are the first three rows with count 96.
        long groups = 10_000;
        FakeCursor input = new FakeCursor(2, groups, i -> new Object[] {i, (i * 37) % 97});
        List<String> top = Rows.run(new MemorySort(List.of(MySqlMerge.desc(1)), 3), input);
        FakeCursor again = new FakeCursor(2, groups, i -> new Object[] {i, (i * 37) % 97});
        List<String> full = Rows.run(new MemorySort(List.of(MySqlMerge.desc(1))), again);
        assertThat(top).hasSize(3).isEqualTo(full.subList(0, 3));
        assertThat(top).allMatch(row -> row.endsWith("|96"));
        assertThat(input.closed()).isTrue();
    }

    @Test
    void topNIsStableOnTiesLikeTheFullSort() throws SQLException {
        FakeCursor input = Rows.cursor("a|1", "b|2", "c|1", "d|2", "e|1", "f|2");
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.desc(1)), 4), input))
                .containsExactly("'b'|2", "'d'|2", "'f'|2", "'a'|1");
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(1)), 2), Rows.cursor("a|1", "b|2", "c|1")))
                .containsExactly("'a'|1", "'c'|1");
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(1)), 0), Rows.cursor("a|1"))).isEmpty();
    }

    @Test
    void hugeTopDoesNotPreallocate() throws SQLException {
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(0)), 1_000_000_000L), Rows.cursor("2", "1")))
                .containsExactly("1", "2");
        assertThat(Rows.run(new MemorySort(List.of(MySqlMerge.asc(0)), Long.MAX_VALUE), Rows.cursor("2", "1")))
                .containsExactly("1", "2");
    }

    @Test
    void describesItself() {
        assertThat(new MemorySort(List.of(MySqlMerge.desc(1))).describe()).isEqualTo("MemorySort(keys=[1 DESC])");
        assertThat(new MemorySort(List.of(MySqlMerge.desc(1)), 3).describe())
                .isEqualTo("MemorySort(keys=[1 DESC], top=3)");
    }
}
