package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are what MariaDB 10.11 returns for the same call on a literal of the same type. */
class ScalarFunctionTest {

    private static Object call(ScalarFunction.Name name, Object... arguments) throws SQLException {
        List<Expr> literals = java.util.Arrays.stream(arguments).map(MySqlMerge::lit).toList();
        return new ScalarFunction(name, literals).eval(Rows.cursor("1"));
    }

    @Test
    void roundKeepsTheKindOfItsArgument() throws SQLException {
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("2.3456"), 2L)).isEqualTo(new BigDecimal("2.35"));
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("-2.345"), 2L)).isEqualTo(new BigDecimal("-2.35"));
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("2.5"))).isEqualTo(new BigDecimal("3"));
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("1.5"), 3L)).isEqualTo(new BigDecimal("1.500"));
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("1250.5"), -2L)).isEqualTo(new BigDecimal("1300"));
        assertThat(call(ScalarFunction.Name.ROUND, 1250L, -2L)).isEqualTo(1300L);
        assertThat(call(ScalarFunction.Name.ROUND, 17L, 2L)).isEqualTo(17L);
        // A DOUBLE rounds to the nearest even after scaling, as MariaDB's rint does.
        assertThat(call(ScalarFunction.Name.ROUND, 2.5d)).isEqualTo(2.0d);
        assertThat(call(ScalarFunction.Name.ROUND, 1.2345d, 2L)).isEqualTo(1.23d);
        assertThat(call(ScalarFunction.Name.ROUND, "2.71", 1L)).isEqualTo(2.7d);
    }

    @Test
    void truncateCutsTowardZero() throws SQLException {
        assertThat(call(ScalarFunction.Name.TRUNCATE, new BigDecimal("-2.349"), 2L))
                .isEqualTo(new BigDecimal("-2.34"));
        assertThat(call(ScalarFunction.Name.TRUNCATE, 1299L, -2L)).isEqualTo(1200L);
        assertThat(call(ScalarFunction.Name.TRUNCATE, -1.999d, 1L)).isEqualTo(-1.9d);
    }

    @Test
    void absFloorAndCeil() throws SQLException {
        assertThat(call(ScalarFunction.Name.ABS, -5L)).isEqualTo(5L);
        assertThat(call(ScalarFunction.Name.ABS, Long.MIN_VALUE)).isEqualTo(BigInteger.valueOf(Long.MIN_VALUE).abs());
        assertThat(call(ScalarFunction.Name.ABS, new BigDecimal("-1.50"))).isEqualTo(new BigDecimal("1.50"));
        assertThat(call(ScalarFunction.Name.FLOOR, new BigDecimal("-1.5"))).isEqualTo(-2L);
        assertThat(call(ScalarFunction.Name.CEIL, new BigDecimal("1.2"))).isEqualTo(2L);
        assertThat(call(ScalarFunction.Name.CEIL, 1.2d)).isEqualTo(2.0d);
    }

    @Test
    void nullGivesNullExceptInCoalesce() throws SQLException {
        assertThat(call(ScalarFunction.Name.ROUND, null, 2L)).isNull();
        assertThat(call(ScalarFunction.Name.ROUND, new BigDecimal("1.5"), null)).isNull();
        assertThat(call(ScalarFunction.Name.COALESCE, null, null, 3L)).isEqualTo(3L);
        assertThat(call(ScalarFunction.Name.IFNULL, null, 0L)).isEqualTo(0L);
        assertThat(call(ScalarFunction.Name.IFNULL, null, null)).isNull();
    }

    @Test
    void namesAndArgumentCounts() {
        assertThat(ScalarFunction.Name.of("ceiling")).isEqualTo(ScalarFunction.Name.CEIL);
        assertThat(ScalarFunction.Name.of("round")).isEqualTo(ScalarFunction.Name.ROUND);
        assertThat(ScalarFunction.Name.of("concat")).isNull();
        assertThatThrownBy(() -> new ScalarFunction(ScalarFunction.Name.IFNULL, List.of(lit(1L))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ScalarFunction(ScalarFunction.Name.ROUND, List.of(MySqlMerge.col(0), lit(2L))).describe())
                .isEqualTo("ROUND(#0, 2)");
    }
}
