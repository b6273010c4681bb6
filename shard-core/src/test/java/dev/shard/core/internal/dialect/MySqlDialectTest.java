package dev.shard.core.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.merge.AggregateKind;
import dev.shard.core.internal.merge.ValueComparator;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MySqlDialectTest {

    private final Dialect mysql = new MySqlDialect();
    private final SqlLexer lexer = mysql.lexer();

    private List<Integer> markers(String sql) {
        return markers(lexer, sql);
    }

    /** The '?' the lexer finds in code, by index. */
    static List<Integer> markers(SqlLexer lexer, String sql) {
        List<Integer> found = new ArrayList<>();
        lexer.scanCode(sql, 0, (i, c) -> {
            if (c == '?') {
                found.add(i);
            }
            return true;
        });
        return found;
    }

    // ---- lexer

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "'abc' tail          | 5",
            "'it''s' tail        | 7",
            "'a\\'b' tail        | 6",
            "'a\\\\' tail        | 5",
            "\"a\"\"b\" tail     | 6",
            "\"a\\\"b\" tail     | 6",
            "`a``b` tail         | 6",
            "`a\\` tail          | 4",
    })
    void quotedTextEndsAtItsClosingQuote(String sql, int end) {
        assertThat(lexer.quotedEnd(sql, 0)).as(sql).isEqualTo(end);
    }

    @Test
    void unterminatedQuotesHaveNoEnd() {
        assertThat(lexer.quotedEnd("'abc", 0)).isEqualTo(-1);
        assertThat(lexer.quotedEnd("'abc\\'", 0)).isEqualTo(-1);
        assertThat(lexer.quotedEnd("`abc``", 0)).isEqualTo(-1);
    }

    @Test
    void stringsAndIdentifiersAreTold() {
        assertThat(lexer.isStringQuote('\'')).isTrue();
        assertThat(lexer.isStringQuote('"')).isTrue();
        assertThat(lexer.isStringQuote('`')).isFalse();
        assertThat(lexer.isQuote('`')).isTrue();
        assertThat(lexer.isQuote('[')).isFalse();
    }

    @Test
    void eachCommentFormEnds() {
        assertThat(lexer.commentEnd("# note\nSELECT", 0)).isEqualTo(6);
        assertThat(lexer.commentEnd("-- note\rSELECT", 0)).isEqualTo(7);
        assertThat(lexer.commentEnd("--\tnote", 0)).isEqualTo(7);
        assertThat(lexer.commentEnd("--", 0)).isEqualTo(2);
        assertThat(lexer.commentEnd("/* a */ b", 0)).isEqualTo(7);
        assertThat(lexer.commentEnd("/*+ INDEX(t) */ b", 0)).isEqualTo(15);
        assertThat(lexer.commentEnd("/* never closed", 0)).isEqualTo(-1);
    }

    @Test
    void aDoubleDashNeedsABlankToStartAComment() {
        assertThat(lexer.commentEnd("--1", 0)).isZero();
        assertThat(lexer.commentEnd("a-b", 1)).isEqualTo(1);
        assertThat(markers("SELECT 1--?")).containsExactly(10);
    }

    @Test
    void executableCommentsAreCode() {
        assertThat(lexer.executableCommentOpenerEnd("/*!50001 SELECT */", 0)).isEqualTo(8);
        assertThat(lexer.executableCommentOpenerEnd("/*! SELECT */", 0)).isEqualTo(3);
        assertThat(lexer.executableCommentOpenerEnd("/* SELECT */", 0)).isEqualTo(-1);
        assertThat(lexer.executableCommentCloserEnd("a */", 2)).isEqualTo(4);
        String sql = "SELECT /*!50001 ? */ ?";
        assertThat(markers(sql)).containsExactly(16, 21);
    }

    @Test
    void questionMarksInStringsIdentifiersAndCommentsAreNotParameters() {
        String sql = "SELECT '?', \"?\", `?`, 'it''s ?', 'a\\'?' /* ? */ # ?\n, -- ?\n ? FROM t";
        assertThat(markers(sql)).containsExactly(sql.lastIndexOf('?'));
    }

    @Test
    void anUnterminatedStringOrCommentHidesTheRest() {
        assertThat(markers("SELECT ? FROM t WHERE a = 'x ?")).containsExactly(7);
        assertThat(markers("SELECT ? /* ?")).containsExactly(7);
    }

    @Test
    void blanksAndCommentsAreSkippedToTheFirstWord() {
        String sql = " \t\n/* a */ -- b\n# c\n/*!40101 SET NAMES utf8 */";
        assertThat(sql.substring(lexer.skipSpaceAndComments(sql, 0))).startsWith("SET NAMES");
        assertThat(lexer.skipSpaceAndComments("   ", 0)).isEqualTo(3);
    }

    @Test
    void namesAreMySqlIdentifierCharacters() {
        for (char c : "azAZ09_$\u00e9\u4e2d".toCharArray()) {
            assertThat(lexer.isIdentifierChar(c)).as("%s", c).isTrue();
        }
        for (char c : " .,()`'\"-+*/?;@".toCharArray()) {
            assertThat(lexer.isIdentifierChar(c)).as("%s", c).isFalse();
        }
        assertThat(lexer.isSpace('\t')).isTrue();
        assertThat(lexer.isSpace('\u00a0')).isFalse();
    }

    // ---- text

    @Test
    void normalisingGoesThroughTheSameLexer() {
        NormalizedSql n = mysql.normalize("SELECT * FROM t WHERE a = 'it''s' AND b = 5 -- c = 6\n AND d = ?");
        assertThat(n.template()).isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? -- c = 6\n AND d = ?");
        assertThat(n.params()).containsExactly(new ParamSource.Literal("it's"), new ParamSource.Literal(5L),
                new ParamSource.UserParameter(1));
    }

    @Test
    void namesAreReadWithoutTheirQuotesInLowerCase() {
        assertThat(mysql.canonicalName("`T_Order`")).isEqualTo("t_order");
        assertThat(mysql.canonicalName("\"User_Id\"")).isEqualTo("user_id");
        assertThat(mysql.canonicalName("[x]")).isEqualTo("x");
        assertThat(mysql.canonicalName("Status")).isEqualTo("status");
        assertThat(mysql.canonicalName("`")).isEqualTo("`");
        assertThat(mysql.canonicalName(null)).isNull();
    }

    @Test
    void plainNamesAreWrittenAsTheyAreOthersInBackticks() {
        assertThat(mysql.identifier("order_id")).isEqualTo("order_id");
        assertThat(mysql.identifier("$id2")).isEqualTo("$id2");
        assertThat(mysql.identifier("order id")).isEqualTo("`order id`");
        assertThat(mysql.identifier("a`b")).isEqualTo("`a``b`");
        assertThat(mysql.identifier("123")).isEqualTo("`123`");
    }

    @Test
    void aRowLimitIsALimitClause() {
        assertThat(mysql.rowLimit("30")).isEqualTo("LIMIT 30");
        assertThat(mysql.rowLimit("?")).isEqualTo("LIMIT ?");
    }

    // ---- values

    @Test
    void nullIsTheSmallestValue() {
        ValueComparator order = mysql.comparator(false);
        List<Object> values = Arrays.asList(3L, null, -7L, null, 0L);
        values.sort(order);
        assertThat(values).containsExactly(null, null, -7L, 0L, 3L);
        values.sort(order.reversed());
        assertThat(values).containsExactly(3L, 0L, -7L, null, null);
        assertThat(mysql.comparator(true).compare(null, "a")).isNegative();
        assertThat(mysql.comparator(true).compare("a", null)).isPositive();
    }

    @Test
    void caseInsensitiveColumnsIgnoreCaseAccentsAndTrailingSpaces() {
        ValueComparator ci = mysql.comparator(true);
        assertThat(ci.caseInsensitive()).isTrue();
        assertThat(ci.compare("paid", "PAID ")).isZero();
        assertThat(ci.compare("caf\u00e9", "CAFE")).isZero();
        assertThat(ci.compare("a", "B")).isNegative();
        assertThat(ci.groupKey("PAID ")).isEqualTo(ci.groupKey("paid"));
    }

    @Test
    void binaryColumnsCompareByCodePointWithTrailingSpacesIgnored() {
        ValueComparator binary = mysql.comparator(false);
        assertThat(binary.caseInsensitive()).isFalse();
        assertThat(binary.compare("a", "B")).isPositive();
        assertThat(binary.compare("paid", "PAID")).isNotZero();
        assertThat(binary.compare("paid", "paid  ")).isZero();
        assertThat(binary.compare("a\t", "a")).isNegative();
        assertThat(binary.compare("\ud83d\ude00", "\uffff")).isPositive();
    }

    @Test
    void theDriversCaseSensitivityDecidesForStringColumnsOnly() {
        assertThat(mysql.ignoresCase(Types.VARCHAR, false)).isTrue();
        assertThat(mysql.ignoresCase(Types.CHAR, false)).isTrue();
        assertThat(mysql.ignoresCase(Types.VARCHAR, true)).isFalse();
        assertThat(mysql.ignoresCase(Types.INTEGER, false)).isFalse();
        assertThat(mysql.ignoresCase(Types.VARBINARY, false)).isFalse();
    }

    @Test
    void sumsOfIntegersAreDecimalsAndAveragesGainFourPlaces() {
        assertThat(mysql.aggregateType(AggregateKind.SUM, Types.BIGINT, 0))
                .isEqualTo(decimal(0));
        assertThat(mysql.aggregateType(AggregateKind.SUM, Types.DECIMAL, 2)).isNull();
        assertThat(mysql.aggregateType(AggregateKind.SUM, Types.DOUBLE, 0)).isNull();
        assertThat(mysql.aggregateType(AggregateKind.AVG, Types.INTEGER, 0)).isEqualTo(decimal(4));
        assertThat(mysql.aggregateType(AggregateKind.AVG, Types.DECIMAL, 2)).isEqualTo(decimal(6));
        assertThat(mysql.aggregateType(AggregateKind.AVG_DISTINCT, Types.NUMERIC, 28)).isEqualTo(decimal(30));
        assertThat(mysql.aggregateType(AggregateKind.AVG, Types.DOUBLE, 0)).isNull();
        assertThat(mysql.aggregateType(AggregateKind.SUM_DISTINCT, Types.SMALLINT, 0)).isEqualTo(decimal(0));
        assertThat(mysql.aggregateType(AggregateKind.COUNT_DISTINCT, Types.VARCHAR, 0))
                .isEqualTo(new ResultType(Types.BIGINT, "BIGINT", Long.class.getName(), 21, 0));
        assertThat(mysql.aggregateType(AggregateKind.COUNT, Types.BIGINT, 0)).isNull();
        assertThat(mysql.aggregateType(AggregateKind.MAX, Types.INTEGER, 0)).isNull();
    }

    private static ResultType decimal(int scale) {
        return new ResultType(Types.DECIMAL, "DECIMAL", BigDecimal.class.getName(), 65, scale);
    }
}
