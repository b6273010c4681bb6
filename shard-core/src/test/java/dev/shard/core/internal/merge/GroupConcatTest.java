package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GROUP_CONCAT from the shards' pieces. Rows: group key | the shard's own GROUP_CONCAT (ignored) | piece text |
 * rows it stands for | group_concat_max_len | order key.
 */
class GroupConcatTest {

    private static AggregateColumn concat(boolean distinct, String separator, SortKey... order) {
        return AggregateColumn.groupConcat(new ColumnRef(1, MySqlMerge.PLAIN),
                new GroupConcat(new ColumnRef(2, MySqlMerge.ci("piece")), new ColumnRef(3, MySqlMerge.PLAIN),
                        new ColumnRef(4, MySqlMerge.PLAIN), List.of(order), distinct, separator));
    }

    private static List<String> grouped(AggregateColumn concat, String... rows) throws SQLException {
        return Rows.run(new GroupAggregate(List.of(MySqlMerge.asc(0)), List.of(concat)), Rows.cursor(rows));
    }

    @Test
    void joinsEachGroupsPiecesInTheOrderAskedRepeatingPiecesThatStandForSeveralRows() throws SQLException {
        assertThat(grouped(concat(false, ",", MySqlMerge.desc(5)),
                "a|x|'p'|1|100|1", "a|x|'q'|2|100|3", "a|x|'r'|1|100|2", "b|x|'s'|1|100|1"))
                .containsExactly("'a'|'q,q,r,p'|'p'|1|100|1", "'b'|'s'|'s'|1|100|1");
    }

    @Test
    void distinctKeepsEachValueOnceInTheValuesCollation() throws SQLException {
        assertThat(grouped(concat(true, " | ", MySqlMerge.asc(2)),
                "a|x|'b'|3|100|1", "a|x|'A'|1|100|2", "a|x|'a'|1|100|3", "a|x|'c'|1|100|4"))
                .extracting(row -> row.split("\\|")[1] + "|" + row.split("\\|")[2] + "|" + row.split("\\|")[3])
                .containsExactly("'A | b | c'");
    }

    @Test
    void truncatesToTheMaximumBytesAtACharacterBoundary() throws SQLException {
        // 'ééé' is six bytes: a maximum of 6 keeps it whole, 5 keeps two characters (four bytes).
        assertThat(grouped(concat(false, ",", MySqlMerge.asc(5)), "a|x|'ééé'|1|6|1", "a|x|'bb'|1|6|2"))
                .extracting(row -> row.split("\\|")[1]).containsExactly("'ééé'");
        assertThat(grouped(concat(false, "|", MySqlMerge.asc(5)), "a|x|'ééé'|1|5|1", "a|x|'bb'|1|5|2"))
                .extracting(row -> row.split("\\|")[1]).containsExactly("'éé'");
    }

    @Test
    void nullPiecesAreSkippedAndNoPieceIsNull() throws SQLException {
        assertThat(grouped(concat(false, ",", MySqlMerge.asc(5)), "a|x|NULL|2|100|1", "a|x|'p'|1|100|2",
                "b|x|NULL|1|100|1"))
                .extracting(row -> row.split("\\|")[1]).containsExactly("'p'", "NULL");
        assertThat(Rows.run(new Aggregate(List.of(concat(false, ","))), Rows.empty(6)))
                .extracting(row -> row.split("\\|")[1]).containsExactly("NULL");
    }

    @Test
    void describesItsPieces() {
        assertThat(concat(true, "; ", MySqlMerge.desc(5)).describe())
                .isEqualTo("group_concat(1 = 2 x3 max=4 order=[5 DESC] distinct sep='; ')");
        assertThatThrownBy(() -> new AggregateColumn(AggregateKind.GROUP_CONCAT, new ColumnRef(1, MySqlMerge.PLAIN),
                null)).isInstanceOf(IllegalArgumentException.class);
    }
}
