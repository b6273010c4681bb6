package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Compact row notation for merge tests, in the manner of Vitess's engine tests: {@code "'paid'|3|1.50"} is a row
 * of three columns. Cells:
 * <ul>
 *   <li>{@code NULL}: SQL NULL</li>
 *   <li>{@code 12}, {@code -3}: Long; {@code 1.50}: BigDecimal (scale kept)</li>
 *   <li>{@code 'x'}: String (quotes needed for strings with spaces at either end, or that look like numbers);
 *       a bare word ({@code paid}) is a String too</li>
 *   <li>{@code i:5} Integer, {@code d:1.5} Double, {@code bi:5} BigInteger, {@code b:true} Boolean,
 *       {@code x:00ff} byte[], {@code ts:2024-01-31 10:00:00} Timestamp, {@code ldt:2024-01-31T10:00}
 *       LocalDateTime, {@code date:2024-01-31} java.sql.Date, {@code ld:2024-01-31} LocalDate</li>
 * </ul>
 * {@link #render} writes rows back the same way (strings always quoted), so assertions can check types too.
 */
final class Rows {

    private Rows() {
    }

    /** A cursor over the given rows; at least one row (use {@link #empty} for none). */
    static FakeCursor cursor(String... rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("use Rows.empty(columns) for an empty cursor");
        }
        List<Object[]> parsed = new ArrayList<>();
        for (String row : rows) {
            parsed.add(parseRow(row));
        }
        int columns = parsed.get(0).length;
        for (Object[] r : parsed) {
            if (r.length != columns) {
                throw new IllegalArgumentException("rows differ in column count: " + Arrays.toString(rows));
            }
        }
        return FakeCursor.of(columns, parsed);
    }

    static FakeCursor empty(int columns) {
        return FakeCursor.of(columns, List.of());
    }

    static Object[] parseRow(String row) {
        String[] cells = row.split("\\|", -1);
        Object[] values = new Object[cells.length];
        for (int i = 0; i < cells.length; i++) {
            values[i] = parse(cells[i]);
        }
        return values;
    }

    static Object parse(String cell) {
        if (cell.equals("NULL")) {
            return null;
        }
        if (cell.length() >= 2 && cell.startsWith("'") && cell.endsWith("'")) {
            return cell.substring(1, cell.length() - 1);
        }
        if (cell.matches("-?\\d+")) {
            return Long.parseLong(cell);
        }
        if (cell.matches("-?\\d+\\.\\d+")) {
            return new BigDecimal(cell);
        }
        int colon = cell.indexOf(':');
        if (colon > 0) {
            String tag = cell.substring(0, colon);
            String text = cell.substring(colon + 1);
            switch (tag) {
                case "i":
                    return Integer.parseInt(text);
                case "d":
                    return Double.parseDouble(text);
                case "bi":
                    return new BigInteger(text);
                case "b":
                    return Boolean.parseBoolean(text);
                case "x":
                    return HexFormat.of().parseHex(text);
                case "ts":
                    return Timestamp.valueOf(text);
                case "ldt":
                    return LocalDateTime.parse(text);
                case "date":
                    return java.sql.Date.valueOf(text);
                case "ld":
                    return LocalDate.parse(text);
                default:
                    break;
            }
        }
        return cell;
    }

    static String render(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof String) {
            return "'" + v + "'";
        }
        if (v instanceof Long) {
            return v.toString();
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).toPlainString();
        }
        if (v instanceof Integer) {
            return "i:" + v;
        }
        if (v instanceof Double) {
            return "d:" + v;
        }
        if (v instanceof BigInteger) {
            return "bi:" + v;
        }
        if (v instanceof Boolean) {
            return "b:" + v;
        }
        if (v instanceof byte[]) {
            return "x:" + HexFormat.of().formatHex((byte[]) v);
        }
        if (v instanceof Timestamp) {
            return "ts:" + v;
        }
        if (v instanceof LocalDateTime) {
            return "ldt:" + v;
        }
        if (v instanceof java.sql.Date) {
            return "date:" + v;
        }
        if (v instanceof LocalDate) {
            return "ld:" + v;
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    /** Reads the cursor to its end (without closing it) and renders each row. */
    static List<String> drain(RowCursor cursor) throws SQLException {
        List<String> lines = new ArrayList<>();
        while (cursor.next()) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < cursor.columnCount(); c++) {
                if (c > 0) {
                    sb.append('|');
                }
                sb.append(render(cursor.get(c)));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** Opens {@code step} over {@code input}, drains it, closes it. */
    static List<String> run(MergeStep step, RowCursor input) throws SQLException {
        try (RowCursor cursor = step.open(input)) {
            return drain(cursor);
        }
    }

    static List<String> run(MergeSource source, RowCursor... inputs) throws SQLException {
        try (RowCursor cursor = source.open(List.of(inputs))) {
            return drain(cursor);
        }
    }

    static List<String> run(MergePlan plan, RowCursor... inputs) throws SQLException {
        try (RowCursor cursor = plan.open(List.of(inputs))) {
            return drain(cursor);
        }
    }
}
