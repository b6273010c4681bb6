package dev.shard.core.internal.merge;

import static dev.shard.core.internal.merge.MySqlMerge.and;
import static dev.shard.core.internal.merge.MySqlMerge.col;
import static dev.shard.core.internal.merge.MySqlMerge.eq;
import static dev.shard.core.internal.merge.MySqlMerge.gt;
import static dev.shard.core.internal.merge.MySqlMerge.isNotNull;
import static dev.shard.core.internal.merge.MySqlMerge.lit;
import static dev.shard.core.internal.merge.MySqlMerge.not;
import static dev.shard.core.internal.merge.MySqlMerge.or;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FilterTest {

    private static final Expr COUNT = col(1, MySqlMerge.of("cnt"));
    private static final Expr TOTAL = col(2, MySqlMerge.of("total"));

    @Test
    void keepsRowsWherePredicateIsTrue() throws SQLException {
        // HAVING cnt > 2
        assertThat(Rows.run(new Filter(gt(COUNT, lit(2L))), Rows.cursor("a|1|5", "b|3|NULL", "c|2|1", "d|10|0")))
                .containsExactly("'b'|3|NULL", "'d'|10|0");
    }

    @Test
    void unknownIsNotTrue() throws SQLException {
        // HAVING total > 1: NULL > 1 is unknown, and the row goes, as does NOT (NULL > 1).
        FakeCursor rows = Rows.cursor("a|1|NULL", "b|1|5");
        assertThat(Rows.run(new Filter(gt(TOTAL, lit(1L))), rows)).containsExactly("'b'|1|5");
        assertThat(Rows.run(new Filter(not(gt(TOTAL, lit(1L)))), Rows.cursor("a|1|NULL", "b|1|0")))
                .containsExactly("'b'|1|0");
        // unknown OR true is true; unknown AND true is unknown.
        assertThat(Rows.run(new Filter(or(gt(TOTAL, lit(1L)), eq(COUNT, lit(1L)))), Rows.cursor("a|1|NULL")))
                .hasSize(1);
        assertThat(Rows.run(new Filter(and(gt(TOTAL, lit(1L)), eq(COUNT, lit(1L)))), Rows.cursor("a|1|NULL")))
                .isEmpty();
    }

    @Test
    void numericValuesAreConditionsWhenNonZero() throws SQLException {
        // HAVING COUNT(*): zero is false, NULL unknown.
        assertThat(Rows.run(new Filter(COUNT), Rows.cursor("a|0|1", "b|2|1", "c|NULL|1", "d|0.5|1")))
                .containsExactly("'b'|2|1", "'d'|0.5|1");
    }

    @Test
    void caseInsensitiveColumnComparesIgnoringCase() throws SQLException {
        Expr status = col(0, MySqlMerge.ci("status"));
        assertThat(Rows.run(new Filter(eq(status, lit("paid"))), Rows.cursor("PAID|1|1", "new|1|1", "Paid |2|1")))
                .containsExactly("'PAID'|1|1", "'Paid '|2|1");
    }

    @Test
    void closesInputAtEnd() throws SQLException {
        FakeCursor input = Rows.cursor("a|1|1");
        assertThat(Rows.run(new Filter(lit(false)), input)).isEmpty();
        assertThat(input.closed()).isTrue();
    }

    @Test
    void rejectsColumnsPastTheInput() {
        assertThatThrownBy(() -> new Filter(and(lit(true), gt(col(5), lit(1L)))).open(Rows.cursor("1")))
                .isInstanceOf(SQLException.class).hasMessageContaining("column 5");
    }

    @Test
    void describesItself() {
        assertThat(new Filter(and(gt(COUNT, lit(10L)), isNotNull(TOTAL))).describe())
                .isEqualTo("Filter((cnt > 10) AND (total IS NOT NULL))");
    }
}
