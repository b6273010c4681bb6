package dev.shard.jdbc.testing;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Renders result sets as rows of strings, so that two databases' answers compare with equals. */
public final class ResultSets {

    private ResultSets() {
    }

    public static List<List<String>> rows(ResultSet rs) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        List<List<String>> rows = new ArrayList<>();
        while (rs.next()) {
            List<String> row = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                row.add(render(rs.getObject(i)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Numbers compare by value: 5, 5.00 and 5L are the same answer. */
    static String render(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
            return new BigDecimal(n.toString()).toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return java.util.HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }
}
