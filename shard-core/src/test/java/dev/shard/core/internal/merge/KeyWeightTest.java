package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The database's sort keys as the merge compares them. */
class KeyWeightTest {

    /** utf8mb4_general_ci's weight of a space. */
    private static final byte[] GENERAL_SPACE = hex("0020");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static KeyWeight.Weight weight(String hex, byte[] pad) {
        return KeyWeight.Weight.of(hex(hex), pad);
    }

    @Test
    void padSpaceIgnoresTrailingSpacesAndPadsTheShorterWeight() {
        // 'a' = 'a ', and 'a\t' < 'a' because 'a' pads with a space and the tab weighs less.
        assertThat(weight("0041", GENERAL_SPACE)).isEqualTo(weight("00410020", GENERAL_SPACE))
                .hasSameHashCodeAs(weight("004100200020", GENERAL_SPACE));
        assertThat(weight("00410009", GENERAL_SPACE).compareTo(weight("0041", GENERAL_SPACE))).isNegative();
        assertThat(weight("00410042", GENERAL_SPACE).compareTo(weight("0041", GENERAL_SPACE))).isPositive();
        assertThat(weight("0041", GENERAL_SPACE).compareTo(weight("004100090042", GENERAL_SPACE))).isPositive();
    }

    @Test
    void noPadCountsTrailingSpacesAndComparesUnsigned() {
        assertThat(weight("0041", null)).isNotEqualTo(weight("00410020", null));
        assertThat(weight("0041", null).compareTo(weight("00410020", null))).isNegative();
        assertThat(weight("FFFD", null).compareTo(weight("0053", null))).isPositive();
    }

    @Test
    void serverWeightReadsTheWeightColumnForStringsOnly() throws SQLException {
        KeyWeight weight = new KeyWeight.ServerWeight(1, GENERAL_SPACE);
        RowView row = new ArrayRow(new Object[] {"ß", hex("0053")});
        assertThat(weight.key(row, "ß")).isEqualTo(weight("00530020", GENERAL_SPACE));
        assertThat(weight.key(new ArrayRow(new Object[] {5L, null}), 5L)).isNull();
    }

    @Test
    void enumOrderIsMemberPositionAndRefusesUnknownMembers() throws SQLException {
        KeyWeight order = new KeyWeight.EnumOrder("e", List.of("zeta", "alpha"));
        RowView row = new ArrayRow(new Object[] {"zeta"});
        assertThat(order.key(row, "zeta")).isEqualTo(1L);
        assertThat(order.key(row, "alpha")).isEqualTo(2L);
        assertThat(order.key(row, "")).isEqualTo(0L);
        assertThatThrownBy(() -> order.key(row, "omega")).isInstanceOf(SQLException.class)
                .hasMessageContaining("ENUM column e holds 'omega'");
    }

    @Test
    void mergeStepsOrderGroupAndPickByWeight() throws SQLException {
        // Under general_ci 'ß' weighs as 's' and sorts before 'ss'; by code point it would sort after both.
        ColumnInfo word = MySqlMerge.ci("w").withWeight(new KeyWeight.ServerWeight(1, GENERAL_SPACE));
        SortKey key = SortKey.asc(0, word);
        List<Object[]> shard0 = List.of(new Object[] {"s", hex("0053")}, new Object[] {"ss", hex("00530053")});
        List<Object[]> shard1 = List.<Object[]>of(new Object[] {"ß", hex("0053")});
        List<String> merged = Rows.run(new OrderedMerge(List.of(key)), FakeCursor.of(2, shard0),
                FakeCursor.of(2, shard1));
        assertThat(merged).extracting(r -> r.substring(0, r.indexOf('|'))).containsExactly("'s'", "'ß'", "'ss'");

        AggregateColumn count = new AggregateColumn(AggregateKind.COUNT, new ColumnRef(2, MySqlMerge.PLAIN), null);
        RowCursor grouped = new GroupAggregate(List.of(key), List.of(count)).open(new OrderedMerge(List.of(key))
                .open(List.of(FakeCursor.of(3, List.of(new Object[] {"s", hex("0053"), 1L},
                                new Object[] {"ss", hex("00530053"), 1L})),
                        FakeCursor.of(3, List.<Object[]>of(new Object[] {"ß", hex("0053"), 1L})))));
        assertThat(Rows.drain(grouped)).containsExactly("'s'|x:0053|2", "'ss'|x:00530053|1");

        RowCursor extremes = new Aggregate(List.of(AggregateColumn.max(0, word)))
                .open(new Concat().open(List.of(FakeCursor.of(2, shard1), FakeCursor.of(2, shard0))));
        assertThat(extremes.next()).isTrue();
        assertThat(extremes.get(0)).isEqualTo("ss");
        RowCursor firstOfTies = new Aggregate(List.of(AggregateColumn.min(0, word)))
                .open(new Concat().open(List.of(FakeCursor.of(2, shard1), FakeCursor.of(2, shard0))));
        assertThat(firstOfTies.next()).isTrue();
        assertThat(firstOfTies.get(0)).isEqualTo("ß");
    }
}
