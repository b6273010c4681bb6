package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every step's cursor promises, like a JDBC ResultSet: checked for each step over the same shards. */
class CursorContractTest {

    static List<MergeStep> steps() {
        return List.of(
                new Limit(1, 2),
                new Aggregate(List.of(MySqlMerge.count(1))),
                new GroupAggregate(List.of(MySqlMerge.asc(0)), List.of(MySqlMerge.count(1))),
                new MemorySort(List.of(MySqlMerge.desc(1))),
                new MemorySort(List.of(MySqlMerge.desc(1)), 2),
                new Filter(MySqlMerge.gt(MySqlMerge.col(1), MySqlMerge.lit(0L))),
                new Distinct(List.of(MySqlMerge.asc(0))),
                new HashDistinct(List.of(MySqlMerge.PLAIN, MySqlMerge.PLAIN)),
                new Compute(List.of(new Compute.Computed(new ColumnRef(1, MySqlMerge.PLAIN),
                        MySqlMerge.arithmetic(Expr.ArithmeticOp.MUL, MySqlMerge.col(1), MySqlMerge.lit(2L))))),
                Project.first(1));
    }

    private static final Supplier<List<FakeCursor>> SHARDS = () -> List.of(
            Rows.cursor("1|1", "2|2", "4|1"), Rows.cursor("1|3", "3|1"), Rows.empty(2));

    @ParameterizedTest
    @MethodSource("steps")
    void nextAfterTheEndStaysFalseAndCloseReleasesTheShards(MergeStep step) throws SQLException {
        List<FakeCursor> shards = SHARDS.get();
        RowCursor cursor = step.open(new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards));
        assertThatThrownBy(() -> cursor.get(0)).as("get before next").isInstanceOf(SQLException.class);
        assertThat(Rows.drain(cursor)).isNotEmpty();
        assertThat(cursor.next()).isFalse();
        assertThat(cursor.next()).isFalse();
        assertThatThrownBy(() -> cursor.get(0)).as("get after the end").isInstanceOf(SQLException.class);
        cursor.close();
        cursor.close();
        assertThat(shards).allMatch(FakeCursor::closed);
        assertThatThrownBy(cursor::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @ParameterizedTest
    @MethodSource("steps")
    void closingBeforeTheEndClosesTheShards(MergeStep step) throws SQLException {
        List<FakeCursor> shards = SHARDS.get();
        RowCursor cursor = step.open(new OrderedMerge(List.of(MySqlMerge.asc(0))).open(shards));
        assertThat(cursor.next()).isTrue();
        cursor.close();
        assertThat(shards).allMatch(FakeCursor::closed);
    }

    @ParameterizedTest
    @MethodSource("steps")
    void plansAreReusableValues(MergeStep step) throws SQLException {
        MergePlan plan = MergePlan.orderedMerge(MySqlMerge.asc(0)).step(step).build();
        List<String> first = Rows.run(plan, SHARDS.get().toArray(new FakeCursor[0]));
        List<String> second = Rows.run(plan, SHARDS.get().toArray(new FakeCursor[0]));
        assertThat(second).isEqualTo(first);
    }
}
