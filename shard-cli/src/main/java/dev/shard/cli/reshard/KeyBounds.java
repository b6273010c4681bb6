package dev.shard.cli.reshard;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Primary-key values as chunk bounds: the SQL that selects keys above one bound and up to another (a composite key
 * compared column by column, so the server can use the key's index), and a text form for the progress table.
 *
 * <p>The text form keeps what a bound needs to compare the same way again: integers and decimals as numbers,
 * binary strings as their bytes, everything else (strings, dates, times) as the text the driver gave.
 */
final class KeyBounds {

    private KeyBounds() {
    }

    /**
     * {@code key > after} (and {@code key <= upTo} when given) over the key columns, for a WHERE clause; "1 = 1"
     * when neither bound is given. Parameters, in order, come from {@link #bind}.
     */
    static String predicate(SqlDialect dialect, List<String> key, List<Object> after, List<Object> upTo) {
        List<String> parts = new ArrayList<>();
        if (after != null) {
            parts.add(compare(dialect, key, ">", ">"));
        }
        if (upTo != null) {
            // "at most" for the whole tuple: less in an earlier column, or equal up to the last and at most there.
            parts.add(compare(dialect, key, "<", "<="));
        }
        return parts.isEmpty() ? "1 = 1" : String.join(" AND ", parts);
    }

    /** (k1 op v1) OR (k1 = v1 AND k2 op v2) ... with {@code lastOp} for the last column. */
    private static String compare(SqlDialect dialect, List<String> key, String op, String lastOp) {
        List<String> disjuncts = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            StringBuilder d = new StringBuilder("(");
            for (int j = 0; j < i; j++) {
                d.append(dialect.quote(key.get(j))).append(" = ? AND ");
            }
            d.append(dialect.quote(key.get(i))).append(' ').append(i == key.size() - 1 ? lastOp : op)
                    .append(" ?)");
            disjuncts.add(d.toString());
        }
        return "(" + String.join(" OR ", disjuncts) + ")";
    }

    /** Binds the parameters of {@link #predicate} from {@code index} on; returns the next free index. */
    static int bind(SqlDialect dialect, PreparedStatement statement, int index, List<Object> after,
                    List<Object> upTo) throws SQLException {
        index = bindBound(dialect, statement, index, after);
        return bindBound(dialect, statement, index, upTo);
    }

    private static int bindBound(SqlDialect dialect, PreparedStatement statement, int index, List<Object> bound)
            throws SQLException {
        if (bound != null) {
            for (int i = 0; i < bound.size(); i++) {
                for (int j = 0; j <= i; j++) {
                    dialect.bind(statement, index++, bound.get(j));
                }
            }
        }
        return index;
    }

    static String encode(List<Object> values) {
        StringBuilder text = new StringBuilder();
        for (Object value : values) {
            String kind;
            String body;
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                    || value instanceof BigInteger || value instanceof BigDecimal) {
                kind = "n";
                body = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
            } else if (value instanceof byte[] bytes) {
                kind = "b";
                body = HexFormat.of().formatHex(bytes);
            } else {
                kind = "s";
                body = String.valueOf(value);
            }
            // Length-prefixed: any character may appear in a string key.
            text.append(kind).append(body.length()).append(':').append(body);
        }
        return text.toString();
    }

    static List<Object> decode(String text) {
        List<Object> values = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char kind = text.charAt(i);
            int colon = text.indexOf(':', i);
            int length = Integer.parseInt(text.substring(i + 1, colon));
            String body = text.substring(colon + 1, colon + 1 + length);
            values.add(switch (kind) {
                case 'n' -> new BigDecimal(body);
                case 'b' -> HexFormat.of().parseHex(body);
                case 's' -> body;
                default -> throw new IllegalArgumentException("not a key: " + text);
            });
            i = colon + 1 + length;
        }
        return values;
    }
}
