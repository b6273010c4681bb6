package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctTest {

    private static final ColumnInfo NAME = MySqlMerge.ci("name");

    private static List<String> distinct(List<SortKey> keys, FakeCursor... shards) throws SQLException {
        return Rows.run(new Distinct(keys), new OrderedMerge(keys).open(List.of(shards)));
    }

    @Test
    void dropsDuplicatesAcrossShards() throws SQLException {
        List<SortKey> keys = List.of(MySqlMerge.asc(0), MySqlMerge.asc(1));
        assertThat(distinct(keys, Rows.cursor("1|a", "1|b", "2|a"), Rows.cursor("1|a", "2|a", "3|NULL"),
                Rows.cursor("NULL|a", "3|NULL")))
                .containsExactly("NULL|'a'", "1|'a'", "1|'b'", "2|'a'", "3|NULL");
    }

    @Test
    void caseInsensitiveStringsAreOneValueShownAsFirstSeen() throws SQLException {
        assertThat(distinct(List.of(SortKey.asc(0, NAME)), Rows.cursor("Ann", "bob"), Rows.cursor("ANN ", "Bób", "cy")))
                .containsExactly("'Ann'", "'bob'", "'cy'");
        assertThat(distinct(List.of(SortKey.asc(0, MySqlMerge.of("name"))), Rows.cursor("ANN", "Ann"),
                Rows.cursor("Ann")))
                .containsExactly("'ANN'", "'Ann'");
    }

    @Test
    void mixedNumericTypesAndDescendingKeys() throws SQLException {
        assertThat(distinct(List.of(MySqlMerge.desc(0)), Rows.cursor("3", "1"), Rows.cursor("3.00", "d:2.0", "i:1")))
                .containsExactly("3", "d:2.0", "1");
    }

    @Test
    void onlyKeyColumnsCount() throws SQLException {
        // Column 1 is a hidden helper: rows differing only there are duplicates.
        assertThat(Rows.run(new Distinct(List.of(MySqlMerge.asc(0))), Rows.cursor("1|x", "1|y", "2|z")))
                .containsExactly("1|'x'", "2|'z'");
    }

    @Test
    void emptyAndSingleInputs() throws SQLException {
        assertThat(distinct(List.of(MySqlMerge.asc(0)), Rows.empty(1))).isEmpty();
        assertThat(distinct(List.of(MySqlMerge.asc(0)), Rows.cursor("1", "1", "1"))).containsExactly("1");
    }

    @Test
    void unsortedInputIsAnError() {
        assertThatThrownBy(() -> Rows.run(new Distinct(List.of(MySqlMerge.asc(0))), Rows.cursor("2", "1", "2")))
                .isInstanceOf(SQLException.class).hasMessageContaining("Distinct input is not sorted");
    }

    @Test
    void describesItself() {
        assertThat(new Distinct(List.of(SortKey.asc(0, NAME), MySqlMerge.asc(1))).describe())
                .isEqualTo("Distinct(keys=[0 ASC ci, 1 ASC])");
    }
}
