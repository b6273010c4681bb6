package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.arithmetic;
import static dev.shard.core.internal.merge.MySqlMerge.col;
import static dev.shard.core.internal.merge.MySqlMerge.gt;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComputeTest {

    private static Compute.Computed at(int column, Expr expression) {
        return new Compute.Computed(new ColumnRef(column, MySqlMerge.PLAIN), expression);
    }

    @Test
    void replacesColumnsWithExpressionsOfTheMergedRow() throws SQLException {
        // SELECT status, SUM(a) / COUNT(*), COUNT(*) > 2 with SUM in column 3 and COUNT in column 4.
        Compute compute = new Compute(List.of(
                at(1, arithmetic(Expr.ArithmeticOp.DIV, col(3), col(4))),
                at(2, gt(col(4), lit(2L)))));
        assertThat(Rows.run(compute, Rows.cursor("a|NULL|NULL|10|4", "b|0|0|7.50|3", "c|0|0|5|0")))
                .containsExactly("'a'|2.5000|1|10|4", "'b'|2.500000|1|7.50|3", "'c'|NULL|0|5|0");
    }

    @Test
    void expressionsReadTheInputRowNotEachOther() throws SQLException {
        // Column 0 becomes column 1 + 1, column 1 becomes column 0 * 10: both from the input values.
        Compute compute = new Compute(List.of(
                at(0, arithmetic(Expr.ArithmeticOp.ADD, col(1), lit(1L))),
                at(1, arithmetic(Expr.ArithmeticOp.MUL, col(0), lit(10L)))));
        assertThat(Rows.run(compute, Rows.cursor("1|2"))).containsExactly("3|10");
    }

    @Test
    void describesItsColumns() {
        Compute compute = new Compute(List.of(at(0, arithmetic(Expr.ArithmeticOp.SUB, col(2), col(3)))));
        assertThat(compute.describe()).isEqualTo("Compute(0 = #2 - #3)");
    }

    @Test
    void refusesUnresolvedColumnsAndColumnsPastTheInput() {
        assertThatThrownBy(() -> new Compute(List.of(new Compute.Computed(Slot.user(0), lit(1L)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resolved");
        assertThatThrownBy(() -> new Compute(List.of(at(5, lit(1L)))).open(Rows.cursor("1|2")))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> new Compute(List.of(at(0, col(7)))).open(Rows.cursor("1|2")))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void anOverflowFailsTheRowWithTheDatabaseError() throws SQLException {
        Compute compute = new Compute(List.of(at(0, arithmetic(Expr.ArithmeticOp.MUL, col(0), col(0)))));
        RowCursor cursor = compute.open(Rows.cursor(Long.MAX_VALUE + "|1"));
        assertThatThrownBy(cursor::next).isInstanceOf(SQLException.class).hasMessageContaining("out of range");
        cursor.close();
    }
}
