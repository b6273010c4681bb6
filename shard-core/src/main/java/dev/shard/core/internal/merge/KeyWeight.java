package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where the database's own sort key of a string column comes from, for the merge to order, group and compare by it
 * instead of approximating the column's collation in Java. A column with one ({@link ColumnInfo#weight}) sorts,
 * groups, de-duplicates and picks MIN/MAX by the key; its value is still what the merge returns.
 *
 * <ul>
 *   <li>{@link ServerWeight}: a hidden column the rewrite appended, {@code WEIGHT_STRING(expr)}, compared as
 *       unsigned bytes. Under a PAD SPACE collation the shorter weight counts as padded with the weight of a
 *       space, as the database compares the strings themselves.</li>
 *   <li>{@link EnumOrder}: an ENUM sorts by its members' order in the column's definition, not by its text.</li>
 * </ul>
 */
public sealed interface KeyWeight {

    /**
     * The sort key of {@code value} in {@code row}, or null when this source has none for it (a NULL, or a value
     * that is not a string): then the value's own collation key serves.
     */
    Object key(RowView row, Object value) throws SQLException;

    /**
     * The weight in column {@code column} of the same row.
     *
     * @param padUnit the weight of one space under the column's collation when it pads (PAD SPACE), or null for a
     *                NO PAD collation or one not known, where trailing spaces count
     */
    record ServerWeight(int column, byte[] padUnit) implements KeyWeight {

        public ServerWeight {
            if (column < 0) {
                throw new IllegalArgumentException("column must be >= 0: " + column);
            }
            padUnit = padUnit == null || padUnit.length == 0 ? null : padUnit.clone();
        }

        @Override
        public Object key(RowView row, Object value) throws SQLException {
            if (!(value instanceof String)) {
                return null;
            }
            Object weight = row.get(column);
            return weight instanceof byte[] bytes ? Weight.of(bytes, padUnit) : null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ServerWeight other && column == other.column
                    && Arrays.equals(padUnit, other.padUnit);
        }

        @Override
        public int hashCode() {
            return 31 * column + Arrays.hashCode(padUnit);
        }

        @Override
        public String toString() {
            return "ServerWeight(" + column + (padUnit == null ? ", no pad)" : ", pad)");
        }
    }

    /**
     * @param members   the ENUM's members in definition order; the key is the 1-based position, as {@code e+0}
     *                  gives it, '' (an invalid value stored in non-strict mode) being 0
     * @param onUnknown told when a value is not among the members: whoever read them should read them again
     */
    record EnumOrder(String column, List<String> members, Runnable onUnknown) implements KeyWeight {

        public EnumOrder {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(onUnknown, "onUnknown");
            members = List.copyOf(members);
        }

        public EnumOrder(String column, List<String> members) {
            this(column, members, () -> { });
        }

        @Override
        public Object key(RowView row, Object value) throws SQLException {
            if (!(value instanceof String text)) {
                return null;
            }
            if (text.isEmpty() && !members.contains("")) {
                return 0L;
            }
            int index = members.indexOf(text);
            if (index < 0) {
                for (int i = 0; i < members.size(); i++) {
                    if (members.get(i).equalsIgnoreCase(text)) {
                        index = i;
                        break;
                    }
                }
            }
            if (index < 0) {
                onUnknown.run();
                throw new SQLException("merge: the ENUM column " + column + " holds '" + text + "', which is not"
                        + " among the members " + members + " Shard read for it; the column's definition differs"
                        + " between shards or changed: run the statement again", "HY000");
            }
            return (long) index + 1;
        }
    }

    /** A weight string with PAD SPACE comparison; equal weights are the same group. */
    final class Weight implements Comparable<Weight> {
        private final byte[] bytes;
        private final byte[] padUnit;

        private Weight(byte[] bytes, byte[] padUnit) {
            this.bytes = bytes;
            this.padUnit = padUnit;
        }

        /** The weight with its trailing pad units removed, so that equal strings have equal keys. */
        static Weight of(byte[] weight, byte[] padUnit) {
            int end = weight.length;
            if (padUnit != null) {
                int unit = padUnit.length;
                while (end >= unit && Arrays.equals(weight, end - unit, end, padUnit, 0, unit)) {
                    end -= unit;
                }
            }
            return new Weight(end == weight.length ? weight : Arrays.copyOf(weight, end), padUnit);
        }

        /**
         * Unsigned bytes; where one weight is a prefix of the other, the longer one's tail compares with pad units
         * (PAD SPACE: 'a' equals 'a ' and sorts after 'a' followed by a tab), or counts as greater (NO PAD).
         */
        @Override
        public int compareTo(Weight other) {
            int n = Math.min(bytes.length, other.bytes.length);
            int c = Arrays.compareUnsigned(bytes, 0, n, other.bytes, 0, n);
            if (c != 0 || bytes.length == other.bytes.length) {
                return c;
            }
            return bytes.length > n ? tailSign(bytes, n) : -tailSign(other.bytes, n);
        }

        private int tailSign(byte[] longer, int from) {
            if (padUnit == null) {
                return 1;
            }
            for (int i = from; i < longer.length; i++) {
                int pad = padUnit[(i - from) % padUnit.length] & 0xFF;
                int b = longer[i] & 0xFF;
                if (b != pad) {
                    return b < pad ? -1 : 1;
                }
            }
            return 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Weight other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("0x");
            for (byte b : bytes) {
                sb.append(String.format("%02X", b & 0xFF));
            }
            return sb.toString();
        }
    }
}
