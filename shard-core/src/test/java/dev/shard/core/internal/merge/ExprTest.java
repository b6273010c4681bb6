package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.and;
import static dev.shard.core.internal.merge.MySqlMerge.between;
import static dev.shard.core.internal.merge.MySqlMerge.col;
import static dev.shard.core.internal.merge.MySqlMerge.eq;
import static dev.shard.core.internal.merge.MySqlMerge.ge;
import static dev.shard.core.internal.merge.MySqlMerge.gt;
import static dev.shard.core.internal.merge.MySqlMerge.in;
import static dev.shard.core.internal.merge.MySqlMerge.isNotNull;
import static dev.shard.core.internal.merge.MySqlMerge.isNull;
import static dev.shard.core.internal.merge.MySqlMerge.le;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static dev.shard.core.internal.merge.MySqlMerge.lt;
import static dev.shard.core.internal.merge.MySqlMerge.ne;
import static dev.shard.core.internal.merge.MySqlMerge.not;
import static dev.shard.core.internal.merge.MySqlMerge.notIn;
import static dev.shard.core.internal.merge.MySqlMerge.nullSafeEq;
import static dev.shard.core.internal.merge.MySqlMerge.or;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.merge.Expr.ArithmeticOp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExprTest {

    private static final RowView EMPTY = new ArrayRow(new Object[0]);
    private static final Expr NULL = lit(null);
    private static final Expr TRUE = lit(true);
    private static final Expr FALSE = lit(false);

    private static Object eval(Expr e) throws SQLException {
        return e.eval(EMPTY);
    }

    private static Object eval(Expr e, Object... row) throws SQLException {
        return e.eval(new ArrayRow(row));
    }

    private static Object arith(ArithmeticOp op, Object a, Object b) throws SQLException {
        return eval(MySqlMerge.arithmetic(op, lit(a), lit(b)));
    }

    @Test
    void andOrNotFollowTheSqlTruthTables() throws SQLException {
        List<Expr> values = List.of(TRUE, FALSE, NULL);
        Boolean[][] and = {{true, false, null}, {false, false, false}, {null, false, null}};
        Boolean[][] or = {{true, true, true}, {true, false, null}, {true, null, null}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(eval(and(values.get(i), values.get(j)))).as("%s AND %s", i, j).isEqualTo(and[i][j]);
                assertThat(eval(or(values.get(i), values.get(j)))).as("%s OR %s", i, j).isEqualTo(or[i][j]);
            }
        }
        assertThat(eval(not(TRUE))).isEqualTo(false);
        assertThat(eval(not(FALSE))).isEqualTo(true);
        assertThat(eval(not(NULL))).isNull();
    }

    @Test
    void comparisonsWithNullAreUnknownExceptNullSafeEquals() throws SQLException {
        for (Expr c : List.of(eq(NULL, lit(1L)), ne(lit(1L), NULL), lt(NULL, NULL), ge(NULL, lit("a")))) {
            assertThat(eval(c)).as(c.describe()).isNull();
        }
        assertThat(eval(nullSafeEq(NULL, NULL))).isEqualTo(true);
        assertThat(eval(nullSafeEq(NULL, lit(1L)))).isEqualTo(false);
        assertThat(eval(nullSafeEq(lit(1L), lit(new BigDecimal("1.0"))))).isEqualTo(true);
        assertThat(eval(isNull(NULL))).isEqualTo(true);
        assertThat(eval(isNotNull(NULL))).isEqualTo(false);
        assertThat(eval(isNull(lit(0L)))).isEqualTo(false);
    }

    @Test
    void numbersCompareByValue() throws SQLException {
        assertThat(eval(eq(lit(5), lit(new BigDecimal("5.00"))))).isEqualTo(true);
        assertThat(eval(eq(lit(5L), lit(5.0d)))).isEqualTo(true);
        assertThat(eval(lt(lit(new BigDecimal("4.99")), lit(5L)))).isEqualTo(true);
        assertThat(eval(gt(lit(BigInteger.TWO.pow(64)), lit(Long.MAX_VALUE)))).isEqualTo(true);
        assertThat(eval(le(lit(true), lit(1L)))).isEqualTo(true);
        // A string against a number compares as doubles, as MySQL does.
        assertThat(eval(eq(lit("10"), lit(10L)))).isEqualTo(true);
        assertThat(eval(gt(lit("9abc"), lit(8.5d)))).isEqualTo(true);
    }

    @Test
    void stringsCompareInTheColumnsCollation() throws SQLException {
        Expr ci = col(0, MySqlMerge.ci("s"));
        Expr bin = col(0, MySqlMerge.of("s"));
        assertThat(eval(eq(ci, lit("PAID")), "paid")).isEqualTo(true);
        assertThat(eval(eq(lit("PAID"), ci), "paid")).isEqualTo(true);
        assertThat(eval(eq(bin, lit("PAID")), "paid")).isEqualTo(false);
        assertThat(eval(eq(bin, lit("paid ")), "paid")).isEqualTo(true);
        assertThat(eval(lt(ci, lit("B")), "a")).isEqualTo(true);
        assertThat(eval(lt(bin, lit("B")), "a")).isEqualTo(false);
        assertThat(eval(in(ci, lit("x"), lit("PAID")), "Paid")).isEqualTo(true);
    }

    @Test
    void datesCompareWithDateStrings() throws SQLException {
        Object ts = Timestamp.valueOf("2024-01-31 10:00:00");
        assertThat(eval(gt(col(0), lit("2024-01-31")), ts)).isEqualTo(true);
        assertThat(eval(eq(col(0), lit("2024-01-31 10:00:00")), ts)).isEqualTo(true);
        assertThatThrownBy(() -> eval(eq(col(0), lit("soon")), ts)).isInstanceOf(SQLException.class);
    }

    @Test
    void betweenIsThreeValued() throws SQLException {
        assertThat(eval(between(lit(5L), lit(1L), lit(10L)))).isEqualTo(true);
        assertThat(eval(between(lit(5L), lit(5.0d), lit(new BigDecimal("5"))))).isEqualTo(true);
        assertThat(eval(between(lit(11L), lit(1L), lit(10L)))).isEqualTo(false);
        assertThat(eval(between(NULL, lit(1L), lit(10L)))).isNull();
        // 5 BETWEEN NULL AND 3: 5 <= 3 is false, so false whatever NULL is.
        assertThat(eval(between(lit(5L), NULL, lit(3L)))).isEqualTo(false);
        assertThat(eval(between(lit(5L), NULL, lit(10L)))).isNull();
        assertThat(eval(new Expr.Between(lit(5L), NULL, lit(3L), true, MySqlMerge.BINARY))).isEqualTo(true);
        assertThat(eval(new Expr.Between(lit(5L), NULL, lit(10L), true, MySqlMerge.BINARY))).isNull();
        assertThat(eval(new Expr.Between(lit(5L), lit(1L), lit(10L), true, MySqlMerge.BINARY))).isEqualTo(false);
    }

    @Test
    void inListIsThreeValued() throws SQLException {
        assertThat(eval(in(lit(2L), lit(1L), lit(new BigDecimal("2.0"))))).isEqualTo(true);
        assertThat(eval(in(lit(3L), lit(1L), lit(2L)))).isEqualTo(false);
        assertThat(eval(in(lit(3L), lit(1L), NULL))).isNull();
        assertThat(eval(in(lit(1L), lit(1L), NULL))).isEqualTo(true);
        assertThat(eval(in(NULL, lit(1L)))).isNull();
        assertThat(eval(notIn(lit(3L), lit(1L), lit(2L)))).isEqualTo(true);
        // x NOT IN (1, NULL) is never true.
        assertThat(eval(notIn(lit(3L), lit(1L), NULL))).isNull();
        assertThat(eval(notIn(lit(1L), lit(1L), NULL))).isEqualTo(false);
    }

    @Test
    void integerArithmeticStaysIntegral() throws SQLException {
        assertThat(arith(ArithmeticOp.ADD, 2L, 3)).isEqualTo(5L);
        assertThat(arith(ArithmeticOp.SUB, 2L, 3L)).isEqualTo(-1L);
        assertThat(arith(ArithmeticOp.MUL, 4, 3L)).isEqualTo(12L);
        assertThat(arith(ArithmeticOp.MOD, -7L, 3L)).isEqualTo(-1L);
        assertThat(arith(ArithmeticOp.MOD, 7L, 0L)).isNull();
        assertThat(arith(ArithmeticOp.ADD, true, 1L)).isEqualTo(2L);
        assertThatThrownBy(() -> arith(ArithmeticOp.ADD, Long.MAX_VALUE, 1L)).isInstanceOf(SQLException.class)
                .hasMessageContaining("BIGINT value is out of range");
        assertThat(arith(ArithmeticOp.ADD, new BigInteger("18446744073709551614"), 1L))
                .isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void divisionIsDecimalWithFourMorePlacesAndByZeroIsNull() throws SQLException {
        assertThat(arith(ArithmeticOp.DIV, 7L, 2L)).isEqualTo(new BigDecimal("3.5000"));
        // MySQL keeps nine places of a quotient and shows (and compares) it at its scale.
        assertThat(arith(ArithmeticOp.DIV, 2L, 3L)).isEqualTo(new BigDecimal("0.666666666"));
        assertThat(((Quotient) arith(ArithmeticOp.DIV, 2L, 3L)).shown()).isEqualTo(new BigDecimal("0.6667"));
        assertThat(arith(ArithmeticOp.DIV, new BigDecimal("1.5"), 3L)).isEqualTo(new BigDecimal("0.50000"));
        assertThat(arith(ArithmeticOp.DIV, 1L, 0L)).isNull();
        assertThat(arith(ArithmeticOp.DIV, new BigDecimal("1.0"), new BigDecimal("0.00"))).isNull();
        assertThat(arith(ArithmeticOp.DIV, 1.0d, 0.0d)).isNull();
        assertThat(arith(ArithmeticOp.DIV, 3.0d, 2L)).isEqualTo(1.5d);
    }

    @Test
    void decimalAndDoubleArithmetic() throws SQLException {
        assertThat(arith(ArithmeticOp.ADD, new BigDecimal("1.50"), 2L)).isEqualTo(new BigDecimal("3.50"));
        assertThat(arith(ArithmeticOp.MUL, new BigDecimal("1.5"), new BigDecimal("1.25")))
                .isEqualTo(new BigDecimal("1.875"));
        assertThat(arith(ArithmeticOp.MOD, new BigDecimal("7.5"), 2L)).isEqualTo(new BigDecimal("1.5"));
        assertThat(arith(ArithmeticOp.ADD, 1.5d, 1L)).isEqualTo(2.5d);
        assertThat(arith(ArithmeticOp.ADD, "2", 1L)).isEqualTo(3.0d);
        assertThat(arith(ArithmeticOp.ADD, null, 1L)).isNull();
        assertThat(arith(ArithmeticOp.ADD, 1L, null)).isNull();
    }

    @Test
    void havingOnArithmeticOfAggregates() throws SQLException {
        // HAVING SUM(total) / COUNT(*) >= 2.5 over (sum, count) rows.
        Expr avg = MySqlMerge.arithmetic(ArithmeticOp.DIV, col(0, MySqlMerge.of("sum")), col(1, MySqlMerge.of("cnt")));
        Expr having = ge(avg, lit(new BigDecimal("2.5")));
        assertThat(eval(having, new BigDecimal("5"), 2L)).isEqualTo(true);
        assertThat(eval(having, new BigDecimal("5"), 3L)).isEqualTo(false);
        assertThat(eval(having, new BigDecimal("5"), 0L)).isNull();
        assertThat(eval(having, null, 0L)).isNull();
        assertThat(having.describe()).isEqualTo("(sum / cnt) >= 2.5");
    }

    @Test
    void describesItselfAsSql() {
        Expr e = or(and(eq(col(0, MySqlMerge.ci("status")), lit("it's")), not(isNull(col(3)))),
                new Expr.InList(col(1), Arrays.asList(lit(1L), NULL, lit(new byte[] {0x0A})), true,
                        MySqlMerge.BINARY));
        assertThat(e.describe())
                .isEqualTo("((status = 'it''s') AND (NOT (#3 IS NULL))) OR (#1 NOT IN (1, NULL, X'0A'))");
        assertThat(between(col(2), lit(1L), lit(new BigDecimal("2.50"))).describe()).isEqualTo("#2 BETWEEN 1 AND 2.50");
    }

    @Test
    void aLiteralHoldsAValueNotAnExpression() {
        assertThatThrownBy(() -> lit(lit(1L))).isInstanceOf(IllegalArgumentException.class);
    }
}
