package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.and;
import static dev.shard.core.internal.merge.MySqlMerge.gt;
import static dev.shard.core.internal.merge.MySqlMerge.in;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The analysis names columns by {@link Slot} and values by {@link Expr.Param}; {@code resolve} binds them to one
 * execution, and the merge steps refuse anything left unresolved rather than read the wrong column.
 */
class ResolveTest {

    /** Four shard columns, the last one derived; the second is a case-insensitive string. */
    private static final Resolver RESOLVER = new Resolver() {
        private final List<ColumnInfo> columns = List.of(MySqlMerge.of("id"), MySqlMerge.ci("status"),
                MySqlMerge.of("n"), MySqlMerge.of("__shard_0"));

        @Override
        public ColumnRef column(Slot slot) {
            int index = slot.column(columns.size(), 1);
            return new ColumnRef(index, columns.get(index));
        }

        @Override
        public Object parameter(int index) {
            return List.of(10L, "PAID").get(index);
        }
    };

    @Test
    void slotsAddressUserItemsFromTheStartAndDerivedOnesFromTheEnd() {
        assertThat(Slot.user(2).column(4, 1)).isEqualTo(2);
        assertThat(Slot.derivedColumn(0).column(4, 1)).isEqualTo(3);
        assertThat(Slot.derivedColumn(0).column(7, 1)).isEqualTo(6);
        assertThat(Slot.user(3).column(4, 1)).as("a derived column is not a user item").isEqualTo(-1);
        assertThat(Slot.derivedColumn(1).column(4, 1)).isEqualTo(-1);
    }

    @Test
    void anExpressionResolvesItsSlotsAndParameters() throws SQLException {
        Expr having = and(gt(Slot.derivedColumn(0), new Expr.Param(0)),
                in(Slot.user(1), new Expr.Param(1), lit("new")));
        assertThat(having.isResolved()).isFalse();
        assertThat(having.describe()).isEqualTo("(derived[0] > ?1) AND (user[1] IN (?2, 'new'))");

        Expr resolved = having.resolve(RESOLVER);
        assertThat(resolved.isResolved()).isTrue();
        assertThat(resolved.describe()).isEqualTo("(__shard_0 > 10) AND (status IN ('PAID', 'new'))");
        // status is case-insensitive, so 'paid' is IN ('PAID', 'new'); 11 > 10.
        assertThat(resolved.eval(new ArrayRow(new Object[] {1L, "paid", 3L, 11L}))).isEqualTo(true);
        assertThat(resolved.eval(new ArrayRow(new Object[] {1L, "paid", 3L, 10L}))).isEqualTo(false);
        assertThatThrownBy(() -> having.eval(new ArrayRow(new Object[] {1L, "paid", 3L, 11L})))
                .isInstanceOf(SQLException.class).hasMessageContaining("never resolved");
    }

    @Test
    void sortKeysAndAggregatesTakeTheColumnsCollation() throws SQLException {
        SortKey key = new SortKey(Slot.user(1), true).resolve(RESOLVER);
        assertThat(key.describe()).isEqualTo("1 DESC ci");
        AggregateColumn avg = new AggregateColumn(AggregateKind.AVG, Slot.user(2), Slot.derivedColumn(0))
                .resolve(RESOLVER);
        assertThat(avg.describe()).isEqualTo("avg(2/3)");
        assertThat(new AggregateColumn(AggregateKind.AVG_DISTINCT, Slot.user(1), null).resolve(RESOLVER).describe())
                .isEqualTo("avg_distinct(1 ci)");
    }

    @Test
    void stepsRefuseWhatWasNeverResolved() {
        List<SortKey> slotKeys = List.of(new SortKey(Slot.user(0), false));
        assertThatThrownBy(() -> new OrderedMerge(slotKeys)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user[0]");
        assertThatThrownBy(() -> new MemorySort(slotKeys)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Distinct(slotKeys)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupAggregate(slotKeys, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Aggregate(List.of(new AggregateColumn(AggregateKind.COUNT, Slot.user(0), null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count(user[0])");
        assertThatThrownBy(() -> new Filter(gt(MySqlMerge.col(0), new Expr.Param(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("?1");
    }

    @Test
    void onlyAvgHasACountColumnAndItIsAnotherColumn() {
        assertThatThrownBy(() -> new AggregateColumn(AggregateKind.AVG, Slot.user(1), Slot.user(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AggregateColumn(AggregateKind.AVG, Slot.user(1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AggregateColumn(AggregateKind.AVG_DISTINCT, Slot.user(1), Slot.user(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
