package dev.shard.core.internal.merge;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;

/**
 * The arithmetic by which the merge finishes the aggregates it computes itself, where databases differ: the Java
 * type of a SUM of exact values, and the scale of an AVG. The dialect supplies it with the column's comparator.
 */
public interface AggregateArithmetic {

    /**
     * The merged SUM of exact numbers.
     *
     * @param sum          the exact sum
     * @param integerWidth the widest Java integer type among the values added (8 for Long or BigInteger, 4, 2, 1),
     *                     or 0 when any value was a decimal
     * @param ofPartials   whether the values were the shards' partial SUMs (else the values themselves, for
     *                     SUM(DISTINCT))
     */
    Object exactSum(BigDecimal sum, int integerWidth, boolean ofPartials) throws SQLException;

    /** AVG of exact numbers: their exact sum over their count (count above 0). */
    BigDecimal average(BigDecimal sum, long count);

    /**
     * MySQL's: a SUM of exact values is a DECIMAL, integers included; AVG has the sum's scale plus
     * {@code div_precision_increment} (4), rounded half up.
     */
    AggregateArithmetic MYSQL = new AggregateArithmetic() {
        @Override
        public Object exactSum(BigDecimal sum, int integerWidth, boolean ofPartials) {
            return sum;
        }

        @Override
        public BigDecimal average(BigDecimal sum, long count) {
            int scale = Math.min(Math.max(sum.scale(), 0) + Accumulator.DIV_PRECISION_INCREMENT,
                    ValueComparator.MAX_DECIMAL_SCALE);
            return sum.divide(BigDecimal.valueOf(count), scale, RoundingMode.HALF_UP);
        }

        @Override
        public String toString() {
            return "MySQL arithmetic";
        }
    };
}
