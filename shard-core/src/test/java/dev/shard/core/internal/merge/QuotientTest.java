package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.arithmetic;
import static dev.shard.core.internal.merge.MySqlMerge.eq;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Expected values are MariaDB 10.11's for the same expressions on literals. */
class QuotientTest {

    private static Object eval(Expr expression) throws SQLException {
        return expression.eval(Rows.cursor("1"));
    }

    private static Expr div(Object a, Object b) {
        return arithmetic(Expr.ArithmeticOp.DIV, lit(a), lit(b));
    }

    @Test
    void keepsWholeWordsOfNineDigitsAsMariaDbDoes() {
        assertThat(Quotient.keptDigits(0, 0, 4)).isEqualTo(9);
        assertThat(Quotient.keptDigits(2, 0, 4)).isEqualTo(9);
        assertThat(Quotient.keptDigits(9, 0, 4)).isEqualTo(18);
        assertThat(Quotient.keptDigits(1, 1, 4)).isEqualTo(18);
    }

    @Test
    void arithmeticGoesOnWithTheExtraDigitsAndShowsTheDeclaredScale() throws SQLException {
        // (1/3)*3 is 1.0000; (1/3 - 0.3333) * 100000 is 3.3333; -2/3 * 10^12 is -666666666000.0000 (truncated).
        Object third = eval(arithmetic(Expr.ArithmeticOp.MUL, div(1L, 3L), lit(3L)));
        assertThat(((Quotient) third).shown()).isEqualTo(new BigDecimal("1.0000"));
        assertThat(eval(arithmetic(Expr.ArithmeticOp.MUL,
                arithmetic(Expr.ArithmeticOp.SUB, div(1L, 3L), lit(new BigDecimal("0.3333"))), lit(100000L))))
                .isEqualTo(new BigDecimal("3.3333"));
        assertThat(eval(arithmetic(Expr.ArithmeticOp.MUL, div(-2L, 3L), lit(1_000_000_000_000L))))
                .isEqualTo(new BigDecimal("-666666666000.0000"));
        // An exact quotient is a plain DECIMAL of its declared scale.
        assertThat(eval(div(new BigDecimal("7.50"), 3L))).isEqualTo(new BigDecimal("2.500000"))
                .isNotInstanceOf(Quotient.class);
    }

    @Test
    void comparesAtTheDeclaredScale() throws SQLException {
        assertThat(eval(eq(div(2L, 3L), lit(new BigDecimal("0.6667"))))).isEqualTo(true);
        assertThat(eval(eq(div(2L, 3L), lit(new BigDecimal("0.666666666"))))).isEqualTo(false);
    }
}
