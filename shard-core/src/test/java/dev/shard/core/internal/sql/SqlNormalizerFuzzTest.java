package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.dialect.ParamSource.Literal;
import dev.shard.core.internal.dialect.ParamSource.UserParameter;
import dev.shard.core.internal.dialect.ParamSource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random text from an alphabet of the pieces the lexer cares about. The normaliser sits on every statement's path,
 * so whatever the input it must not throw, and its '?' must line up with its params, or binds go to the wrong place.
 */
class SqlNormalizerFuzzTest {

    private static final Dialect MYSQL = new MySqlDialect();

    private static final String[] PIECES = {
        "'", "\"", "`", "\\", "''", "\\'", "?", "?", "0", "1", "42", "1.5", ".5", "1.", "1e3", "1e", "2e-3", "0x1F",
        "0b1", "X'1F'", "N'a'", "_utf8mb4", "-", "-", "--", "-- ", "->", "->>", "#", "\n", "\r", "\t", " ", " ", " ",
        "/*", "*/", "/*!", "/*!50001", "/*+", "*", "/", "(", "(", ")", ")", ",", ";", "=", "<", ">", "!", "+", ".",
        "@", "@@", "{", "}", ":", "a", "t1", "col_2", "é", "\u017F", "\u0000", "\uD83D\uDE00",
        "SELECT", "select", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "SET", "WHERE", "AND", "OR", "IN",
        "BETWEEN", "LIKE", "ESCAPE", "CASE", "WHEN", "THEN", "ELSE", "END", "ORDER", "GROUP", "BY", "LIMIT",
        "OFFSET", "HAVING", "UNION", "ROWS", "INTERVAL", "DAY", "AS", "CAST", "DECIMAL", "CHAR", "CHARACTER",
        "COLLATE", "DATE", "NULL", "TRUE", "DEFAULT", "CREATE", "DROP", "CALL",
    };

    @Test
    void randomTextNeverThrowsAndPlaceholdersMatchParams() {
        Random random = new Random(20240611L);  // fixed: a failure must be reproducible
        for (int run = 0; run < 10_000; run++) {
            String sql = randomSql(random);
            NormalizedSql n = MYSQL.normalize(sql);
            String why = "input: " + escape(sql) + "\ntemplate: " + escape(n.template());

            assertThat(Placeholders.count(n.template())).as(why).isEqualTo(n.params().size());
            int users = 0;
            for (ParamSource p : n.params()) {
                if (p instanceof UserParameter u) {
                    assertThat(u.userIndex()).as(why).isEqualTo(++users);
                } else {
                    Object value = ((Literal) p).value();
                    assertThat(value).as(why).isInstanceOfAny(Long.class, BigInteger.class, BigDecimal.class,
                            String.class);
                }
            }
            assertThat(users).as(why).isEqualTo(Placeholders.count(sql));
            if (!n.normalized()) {
                assertThat(n.template()).as(why).isSameAs(sql);
                assertThat(n.params()).as(why).allMatch(p -> p instanceof UserParameter);
            }
            // Idempotent: the template lexes the same way, its literals are all gone, only '?' remain.
            NormalizedSql again = MYSQL.normalize(n.template());
            assertThat(again.template()).as(why).isEqualTo(n.template());
            assertThat(again.params()).as(why).hasSize(n.params().size()).allMatch(p -> p instanceof UserParameter);
            assertThat(again.maxParenDepth()).as(why).isEqualTo(n.maxParenDepth());
        }
    }

    private static String randomSql(Random random) {
        StringBuilder b = new StringBuilder();
        if (random.nextBoolean()) {
            b.append("SELECT ");    // half of the inputs take the DML path, where literals are lifted
        }
        int pieces = 1 + random.nextInt(40);
        for (int i = 0; i < pieces; i++) {
            if (random.nextInt(8) == 0) {
                b.append((char) random.nextInt(128));
            } else {
                b.append(PIECES[random.nextInt(PIECES.length)]);
            }
            if (random.nextInt(3) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < ' ' || c > '~') {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
