package dev.shard.core.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.ValueComparator;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresDialectTest {

    private final Dialect postgres = new PostgresDialect();
    private final SqlLexer lexer = postgres.lexer();

    private List<Integer> markers(String sql) {
        return MySqlDialectTest.markers(lexer, sql);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "'abc' tail            | 0 | 5",
            "'it''s' tail          | 0 | 7",
            "'a\\' tail            | 0 | 4",
            "E'a\\'b' tail         | 1 | 7",
            "e'a\\\\' tail         | 1 | 6",
            "\"a\"\"b\" tail       | 0 | 6",
            "$$a'b$$ tail          | 0 | 7",
            "$x$a$$b$x$ tail       | 0 | 10",
            "$1 tail               | 0 | 1",
            "a$b tail              | 1 | 2",
    })
    void quotedTextEndsAsPostgresReadsIt(String sql, int start, int end) {
        assertThat(lexer.quotedEnd(sql, start)).as(sql).isEqualTo(end);
    }

    @Test
    void commentsNestAndNeedNoBlankAfterTheDashes() {
        assertThat(markers("SELECT /* a /* ? */ ? */ ? --? \n, ? #?")).hasSize(3);
        assertThat(lexer.commentEnd("--x\ny", 0)).isEqualTo(3);
        assertThat(lexer.commentEnd("/* /* */", 0)).isEqualTo(-1);
        assertThat(lexer.executableCommentOpenerEnd("/*!50001 x */", 0)).isEqualTo(-1);
    }

    @Test
    void normalisingFindsTheUsersMarkersAndLiftsNoLiteral() {
        NormalizedSql n = postgres.normalize("SELECT 'a?', $$?$$, x ?? 'k', \"?\" FROM t WHERE a = ? AND b = 5"
                + " AND c::text = ? -- ?");
        assertThat(n.template()).isEqualTo("SELECT 'a?', $$?$$, x ?? 'k', \"?\" FROM t WHERE a = ? AND b = 5"
                + " AND c::text = ? -- ?");
        assertThat(n.params()).containsExactly(new ParamSource.UserParameter(1), new ParamSource.UserParameter(2));
        assertThat(n.normalized()).isFalse();
        assertThat(postgres.normalize("SELECT ((1))").maxParenDepth()).isEqualTo(2);
    }

    @Test
    void aStringWithABackslashBeforeAQuoteIsWrittenWithoutOneForTheParser() {
        // E'it\'s ? \\' is "it's ? \"; 'a\' is "a\" (a standard string); e'\\\'' is "\'"; the comment stays.
        NormalizedSql n = postgres.normalize("SELECT * FROM t WHERE note = E'it\\'s ? \\\\' AND k = ? AND s = 'a\\'"
                + " AND e = e'\\\\\\'' -- E'\\'");
        assertThat(n.template()).isEqualTo("SELECT * FROM t WHERE note = E'it''s ? \\134' AND k = ? AND s = E'a\\134'"
                + " AND e = e'\\134''' -- E'\\'");
        assertThat(n.params()).containsExactly(new ParamSource.UserParameter(1));
        for (String unchanged : List.of("SELECT E'\\n', 'a\\b', E'a\\\\b' FROM t", "SELECT note'\\' FROM t",
                "SELECT U&'\\0041\\' FROM t")) {
            assertThat(postgres.normalize(unchanged).template()).isEqualTo(unchanged);
        }
    }

    @Test
    void namesFoldToLowerCaseUnlessQuoted() {
        assertThat(postgres.canonicalName("T_Order")).isEqualTo("t_order");
        assertThat(postgres.canonicalName("\"T_Order\"")).isEqualTo("T_Order");
        assertThat(postgres.canonicalName("\"a\"\"b\"")).isEqualTo("a\"b");
        assertThat(postgres.identifier("order_id")).isEqualTo("order_id");
        assertThat(postgres.identifier("Order")).isEqualTo("\"Order\"");
        assertThat(postgres.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(postgres.identifier("1x")).isEqualTo("\"1x\"");
    }

    @Test
    void nullIsTheLargestValueAndStringsCompareByCodePoint() {
        ValueComparator comparator = postgres.comparator(false);
        List<String> sorted = new ArrayList<>(Arrays.asList("b", null, "B", "a ", "a", "\uD83D\uDE00", "\uE000"));
        sorted.sort(comparator);
        assertThat(sorted).containsExactly("B", "a", "a ", "b", "\uE000", "\uD83D\uDE00", null);
        assertThat(comparator.same("a", "a ")).isFalse();
    }

    @Test
    void anotherCollationIsRefusedWhenStringsMustBeCompared() {
        ValueComparator comparator = new PostgresDialect("en_US.UTF-8").comparator(false);
        assertThat(comparator.compare(1, 2)).isNegative();
        assertThatThrownBy(() -> comparator.compare("a", "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("en_US.UTF-8");
        assertThat(new PostgresDialect("C").comparator(false).compare("B", "a")).isNegative();
    }

    /** Expected values are PostgreSQL 15's own: SELECT AVG(x) over the same values. */
    @ParameterizedTest(name = "{0} / {1} = {2}")
    @CsvSource({
            "3, 2, 1.5000000000000000",
            "0, 5, 0.00000000000000000000",
            "10, 3, 3.3333333333333333",
            "1, 3, 0.33333333333333333333",
            "123456789, 7, 17636684.142857142857",
            "-7, 2, -3.5000000000000000",
            "5627.61, 11, 511.6009090909090909",
            "0.05, 3, 0.01666666666666666667",
            "12345.123456789, 1, 12345.1234567890000000",
    })
    void averageHasPostgresScale(String sum, long count, String expected) {
        assertThat(PostgresArithmetic.INSTANCE.average(new BigDecimal(sum), count).toPlainString())
                .isEqualTo(expected);
    }

    @Test
    void sumsKeepPostgresTypes() throws SQLException {
        PostgresArithmetic arithmetic = PostgresArithmetic.INSTANCE;
        assertThat(arithmetic.exactSum(BigDecimal.valueOf(7), 8, true)).isEqualTo(7L);
        assertThat(arithmetic.exactSum(BigDecimal.valueOf(7), 4, false)).isEqualTo(7L);
        assertThat(arithmetic.exactSum(BigDecimal.valueOf(7), 8, false)).isEqualTo(BigDecimal.valueOf(7));
        assertThat(arithmetic.exactSum(new BigDecimal("7.50"), 0, true)).isEqualTo(new BigDecimal("7.50"));
        assertThatThrownBy(() -> arithmetic.exactSum(new BigDecimal("1e19"), 8, true))
                .isInstanceOf(SQLException.class).hasMessageContaining("bigint");
        assertThat(postgres.aggregateType(AggregateKind.AVG, Types.INTEGER, 0).typeName()).isEqualTo("numeric");
        assertThat(postgres.aggregateType(AggregateKind.SUM_DISTINCT, Types.INTEGER, 0).typeName()).isEqualTo("int8");
        assertThat(postgres.aggregateType(AggregateKind.SUM, Types.BIGINT, 0)).isNull();
        assertThat(postgres.aggregateType(AggregateKind.AVG, Types.DOUBLE, 0)).isNull();
    }
}
