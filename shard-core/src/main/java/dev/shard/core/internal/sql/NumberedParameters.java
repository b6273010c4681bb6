package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.SqlLexer;
import java.sql.SQLSyntaxErrorException;

/**
 * MySQL has no numbered parameters, but JSqlParser reads {@code ?2} (and {@code ? 2}) as one: a parameter with a
 * fixed index. Accepted, it would turn {@code user_id = 4 2} (a missing operator: the normalised template is
 * {@code user_id = ? 2}) into a statement that asks for a second bind value nobody gave, and fail far from the
 * cause. A '?' followed by a number is therefore a syntax error here, as it is on the server.
 */
final class NumberedParameters {

    private NumberedParameters() {
    }

    /** @throws SQLSyntaxErrorException when a '?' of the code is followed by a digit, naming the statement */
    static void refuse(String sql, SqlLexer lexer) throws SQLSyntaxErrorException {
        if (sql.indexOf('?') < 0) {
            return;
        }
        int[] found = {-1};
        lexer.scanCode(sql, 0, (index, c) -> {
            if (c != '?') {
                return true;
            }
            int next = lexer.skipSpaceAndComments(sql, index + 1);
            if (next < sql.length() && Character.isDigit(sql.charAt(next))) {
                found[0] = index;
                return false;
            }
            return true;
        });
        if (found[0] >= 0) {
            throw new SQLSyntaxErrorException("Cannot parse SQL: a value follows another value with no operator"
                    + " between them (or '?' is followed by a number; MySQL has no numbered parameters): "
                    + SqlText.abbreviate(sql), "42000");
        }
    }
}
