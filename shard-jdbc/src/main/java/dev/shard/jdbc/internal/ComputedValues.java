package dev.shard.jdbc.internal;

import dev.shard.core.internal.merge.Compute;
import dev.shard.core.internal.merge.RowCursor;
import dev.shard.core.internal.sql.MergeSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.function.UnaryOperator;

/**
 * Gives the values the merge computed for select items ({@code IFNULL(MAX(price), -1)}, {@code COUNT(*) > 5})
 * the type the database gave the same item: each shard computed the item too, so its result metadata says what
 * MySQL makes of the expression (a DOUBLE for IFNULL of a DOUBLE and an integer, an INT for a comparison), and the
 * merged value is converted to it, as the database would have returned it.
 */
final class ComputedValues implements RowCursor {

    private final RowCursor input;
    /** Per user column, the JDBC type to convert to, or {@link Types#OTHER} to pass the value on. */
    private final int[] types;
    private final int[] scales;

    private ComputedValues(RowCursor input, int[] types, int[] scales) {
        this.input = input;
        this.types = types;
        this.scales = scales;
    }

    /**
     * What turns the merged cursor into one whose computed user columns (of {@code spec}) are converted: the
     * identity when there are none. Read before the merge opens, so that a metadata failure leaks no cursor.
     */
    static UnaryOperator<RowCursor> converter(MergeSpec spec, ResultSetMetaData shard, int userColumns)
            throws SQLException {
        int[] types = new int[userColumns];
        int[] scales = new int[userColumns];
        java.util.Arrays.fill(types, Types.OTHER);
        boolean any = false;
        for (Compute.Computed computed : spec.computed()) {
            if (!computed.column().slot().derived() && computed.column().slot().index() < userColumns) {
                int column = computed.column().slot().index();
                types[column] = shard.getColumnType(column + 1);
                scales[column] = shard.getScale(column + 1);
                any = true;
            }
        }
        return any ? merged -> new ComputedValues(merged, types, scales) : UnaryOperator.identity();
    }

    @Override
    public Object get(int column) throws SQLException {
        Object value = input.get(column);
        if (value == null || column >= types.length || types[column] == Types.OTHER) {
            return value;
        }
        Number number = value instanceof Number n ? n : value instanceof Boolean b ? (b ? 1 : 0) : null;
        if (number == null) {
            return value;
        }
        return switch (types[column]) {
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> number.doubleValue();
            case Types.DECIMAL, Types.NUMERIC -> decimal(number).setScale(Math.max(scales[column], 0),
                    RoundingMode.HALF_UP);
            case Types.BIGINT -> number instanceof java.math.BigInteger ? number : (Object) number.longValue();
            case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> number.intValue();
            default -> value;
        };
    }

    private static BigDecimal decimal(Number number) {
        if (number instanceof BigDecimal d) {
            return d;
        }
        if (number instanceof Double || number instanceof Float) {
            return BigDecimal.valueOf(number.doubleValue());
        }
        return new BigDecimal(number.toString());
    }

    @Override
    public int columnCount() {
        return input.columnCount();
    }

    @Override
    public boolean next() throws SQLException {
        return input.next();
    }

    @Override
    public void close() throws SQLException {
        input.close();
    }
}
