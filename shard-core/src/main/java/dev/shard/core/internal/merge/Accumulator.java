package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;

/**
 * The running state of one {@link AggregateColumn} over one group's rows. A new one is made for each group;
 * each holds O(1) values.
 */
abstract class Accumulator {

    /** MySQL's {@code div_precision_increment} default: AVG and division add this many decimal places. */
    static final int DIV_PRECISION_INCREMENT = 4;

    abstract void add(RowView row) throws SQLException;

    /** The aggregate over the rows added; the empty-input answer when none were. */
    abstract Object result() throws SQLException;

    static Accumulator create(AggregateColumn spec) {
        int column = spec.index();
        return switch (spec.kind()) {
            case COUNT -> new Count(column);
            case SUM -> new SumOf(column, spec.info().comparator().arithmetic());
            case MIN -> new Extreme(column, spec.info(), false);
            case MAX -> new Extreme(column, spec.info(), true);
            case AVG -> new Avg(column, spec.countIndex(), spec.info().comparator().arithmetic());
            case COUNT_DISTINCT, SUM_DISTINCT, AVG_DISTINCT ->
                    new DistinctValues(column, spec.kind(), spec.info());
            case GROUP_CONCAT -> new Concatenation(spec.concat());
        };
    }

    /** Partial counts summed; a Long, 0 when there are none (MySQL's COUNT of no rows). */
    private static final class Count extends Accumulator {
        private final int column;
        private long count;

        Count(int column) {
            this.column = column;
        }

        @Override
        void add(RowView row) throws SQLException {
            count = addCount(count, row.get(column));
        }

        @Override
        Object result() {
            return count;
        }
    }

    private static final class SumOf extends Accumulator {
        private final int column;
        private final Sum sum;

        SumOf(int column, AggregateArithmetic arithmetic) {
            this.column = column;
            this.sum = new Sum(arithmetic, true);
        }

        @Override
        void add(RowView row) throws SQLException {
            sum.add(row.get(column));
        }

        @Override
        Object result() throws SQLException {
            return sum.result();
        }
    }

    /**
     * MIN or MAX: picked by the column's sort key (the database's weight where there is one), the first value seen
     * winning ties, so of 'paid' and 'PAID' the first spelling is kept.
     */
    private static final class Extreme extends Accumulator {
        private final int column;
        private final ColumnInfo info;
        private final boolean max;
        private Object best;
        private Object bestKey;

        Extreme(int column, ColumnInfo info, boolean max) {
            this.column = column;
            this.info = info;
            this.max = max;
        }

        @Override
        void add(RowView row) throws SQLException {
            Object value = row.get(column);
            if (value == null) {
                return;
            }
            Object key = info.sortKey(row, value);
            if (best == null) {
                best = value;
                bestKey = key;
                return;
            }
            int c;
            try {
                c = info.comparator().compareKeys(key, bestKey);
            } catch (IllegalArgumentException e) {
                throw BaseCursor.comparisonFailure(e);
            }
            if (max ? c > 0 : c < 0) {
                best = value;
                bestKey = key;
            }
        }

        @Override
        Object result() {
            return best;
        }
    }

    /** AVG from partial sums and counts: the division happens once, over the global sum and count. */
    private static final class Avg extends Accumulator {
        private final int sumColumn;
        private final int countColumn;
        private final Sum sum;
        private long count;

        Avg(int sumColumn, int countColumn, AggregateArithmetic arithmetic) {
            this.sumColumn = sumColumn;
            this.countColumn = countColumn;
            this.sum = new Sum(arithmetic, true);
        }

        @Override
        void add(RowView row) throws SQLException {
            sum.add(row.get(sumColumn));
            count = addCount(count, row.get(countColumn));
        }

        @Override
        Object result() {
            return sum.average(count);
        }
    }

    /**
     * COUNT, SUM or AVG of DISTINCT values, over rows sorted by the value (within the group): a value counts when
     * it differs from the previous one, so memory stays O(1) whatever the number of distinct values. Sorted input
     * is checked, not trusted: if the values change direction, consecutive duplicates would no longer be all the
     * duplicates, and the count would be wrong.
     */
    private static final class DistinctValues extends Accumulator {
        private final int column;
        private final AggregateKind kind;
        private final ColumnInfo info;
        private final Sum sum;
        private Object last;
        private Object lastKey;
        private int direction;
        private long count;

        DistinctValues(int column, AggregateKind kind, ColumnInfo info) {
            this.column = column;
            this.kind = kind;
            this.info = info;
            this.sum = new Sum(info.comparator().arithmetic(), false);
        }

        @Override
        void add(RowView row) throws SQLException {
            Object value = row.get(column);
            if (value == null) {
                return;
            }
            Object key = info.sortKey(row, value);
            if (last != null) {
                int c;
                try {
                    c = Integer.signum(info.comparator().compareKeys(key, lastKey));
                } catch (IllegalArgumentException e) {
                    throw BaseCursor.comparisonFailure(e);
                }
                if (c == 0) {
                    return;
                }
                if (direction == 0) {
                    direction = c;
                } else if (c != direction) {
                    throw new SQLException("merge: " + kind + " over column " + column + " needs its values sorted,"
                            + " but " + value + " came after " + last + "; the shard's collation or type order"
                            + " differs from the merge's, or the shard query lacks the ORDER BY", "HY000");
                }
            }
            last = value;
            lastKey = key;
            count++;
            if (kind != AggregateKind.COUNT_DISTINCT) {
                sum.add(value);
            }
        }

        @Override
        Object result() throws SQLException {
            return switch (kind) {
                case COUNT_DISTINCT -> count;
                case SUM_DISTINCT -> sum.result();
                case AVG_DISTINCT -> sum.average(count);
                case COUNT, SUM, MIN, MAX, AVG, GROUP_CONCAT ->
                        throw new IllegalStateException(kind + " is not a DISTINCT kind");
            };
        }
    }

    // ---- arithmetic shared by the kinds ----

    private static long addCount(long count, Object partial) throws SQLException {
        if (partial == null) {
            return count;
        }
        if (!(partial instanceof Number)) {
            throw new SQLException("merge: a partial COUNT is not a number: " + partial.getClass().getSimpleName(),
                    "HY000");
        }
        try {
            return Math.addExact(count, ValueComparator.exactDecimal((Number) partial).longValueExact());
        } catch (ArithmeticException e) {
            throw new SQLException("merge: COUNT overflows BIGINT", "22003", e);
        }
    }

    /**
     * A running SUM of one column's values: exact values added as BigDecimal, finished in the dialect's type
     * ({@link AggregateArithmetic#exactSum}: MySQL's DECIMAL, PostgreSQL's BIGINT or NUMERIC); DOUBLE when the
     * values are floating point. NULLs are skipped; no values gives NULL.
     */
    static final class Sum {
        private final AggregateArithmetic arithmetic;
        private final boolean ofPartials;
        private BigDecimal decimal;
        private double floating;
        private boolean anyFloating;
        /** The widest integer type added, in bytes; 0 once a decimal was added. */
        private int integerWidth = 1;

        Sum(AggregateArithmetic arithmetic, boolean ofPartials) {
            this.arithmetic = arithmetic;
            this.ofPartials = ofPartials;
        }

        void add(Object value) throws SQLException {
            if (value == null) {
                return;
            }
            if (value instanceof Double || value instanceof Float) {
                floating += ((Number) value).doubleValue();
                anyFloating = true;
            } else if (value instanceof Number || value instanceof Boolean) {
                BigDecimal d = ValueComparator.exactDecimal(ValueComparator.number(value));
                decimal = decimal == null ? d : decimal.add(d);
                int width = integerWidth(value);
                integerWidth = integerWidth == 0 || width == 0 ? 0 : Math.max(integerWidth, width);
            } else {
                throw new SQLException("merge: cannot add a " + value.getClass().getSimpleName()
                        + " value to a SUM", "HY000");
            }
        }

        private static int integerWidth(Object value) {
            if (value instanceof Long || value instanceof java.math.BigInteger) {
                return 8;
            }
            if (value instanceof Integer) {
                return 4;
            }
            if (value instanceof Short) {
                return 2;
            }
            return value instanceof Byte || value instanceof Boolean ? 1 : 0;
        }

        Object result() throws SQLException {
            if (anyFloating) {
                // One column holds one type; a mix means differing schemas, and MySQL's rule is DOUBLE wins.
                return decimal == null ? floating : floating + decimal.doubleValue();
            }
            return decimal == null ? null : arithmetic.exactSum(decimal, integerWidth, ofPartials);
        }

        /** AVG: NULL for no values; a plain division for floating point, else the dialect's. */
        Object average(long count) {
            if (count == 0 || decimal == null && !anyFloating) {
                return null;
            }
            if (anyFloating) {
                return (decimal == null ? floating : floating + decimal.doubleValue()) / count;
            }
            return arithmetic.average(decimal, count);
        }
    }
}
