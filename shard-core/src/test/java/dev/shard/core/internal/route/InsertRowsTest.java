package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import org.junit.jupiter.api.Test;

class InsertRowsTest {

    private static final Dialect MYSQL = new MySqlDialect();

    @Test
    void splitsRowsAndKeepsTheirParameters() {
        InsertRows rows = InsertRows.split(
                "INSERT INTO t (a, b, c) VALUES (?, ?, 'x,(y)'), (?, ?, ?) , (?, f(?, 2), '?') "
                        + "ON DUPLICATE KEY UPDATE c = ?", 3, MYSQL.lexer());
        assertThat(rows).isNotNull();
        assertThat(rows.rows()).containsExactly("(?, ?, 'x,(y)')", "(?, ?, ?)", "(?, f(?, 2), '?')");
        assertThat(rows.sqlFor(new int[] {0, 2}))
                .isEqualTo("INSERT INTO t (a, b, c) VALUES (?, ?, 'x,(y)'), (?, f(?, 2), '?') "
                        + "ON DUPLICATE KEY UPDATE c = ?");
        assertThat(rows.paramsFor(new int[] {0, 2})).containsExactly(0, 1, 5, 6, 7);
        assertThat(rows.paramsFor(new int[] {1})).containsExactly(2, 3, 4, 7);
    }

    @Test
    void refusesTextOfAnotherShape() {
        assertThat(InsertRows.split("INSERT INTO t (a) VALUES (1), (2)", 3, MYSQL.lexer())).isNull();
        assertThat(InsertRows.split("INSERT INTO t (a) SELECT a FROM u", 2, MYSQL.lexer())).isNull();
        assertThat(InsertRows.split("INSERT INTO t (a) VALUES (1", 1, MYSQL.lexer())).isNull();
    }

    @Test
    void valueKeywordAndCommentsAndBackticks() {
        InsertRows rows = InsertRows.split("INSERT INTO `values` (`a`) /* VALUES (9) */ VALUE (?), (?)", 2, MYSQL.lexer());
        assertThat(rows.rows()).containsExactly("(?)", "(?)");
        assertThat(rows.sqlFor(new int[] {1})).isEqualTo("INSERT INTO `values` (`a`) /* VALUES (9) */ VALUE (?)");
    }
}
