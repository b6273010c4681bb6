package dev.shard.core.internal.merge;

import java.sql.SQLException;

/**
 * {@code LIMIT offset, count} over the merged stream. The offset rows are skipped as they stream past, never
 * kept, so a deep offset costs time but no memory. Once {@code count} rows have been returned the input is
 * closed at once, which also ends the shard queries' work early.
 *
 * <p>The shard queries must ask for {@code offset + count} rows from offset 0 (the JDBC layer's rewrite): each
 * shard's share of the answer may lie anywhere in its first {@code offset + count} rows.
 *
 * @param offset rows to skip, {@code >= 0}
 * @param count  rows to return after them, {@code >= 0}, or {@link #UNBOUNDED}
 */
public record Limit(long offset, long count) implements MergeStep {

    /** No upper bound: {@code LIMIT 18446744073709551615} or an OFFSET alone. */
    public static final long UNBOUNDED = -1;

    public Limit {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (count < 0 && count != UNBOUNDED) {
            throw new IllegalArgumentException("count must be >= 0 or UNBOUNDED: " + count);
        }
    }

    public boolean bounded() {
        return count != UNBOUNDED;
    }

    /**
     * {@code offset + count}: how many rows the steps below must produce at most, for a bounded limit;
     * {@link #UNBOUNDED} when unbounded or too large to count.
     */
    public long rowsNeeded() {
        if (!bounded() || offset > Long.MAX_VALUE - count) {
            return UNBOUNDED;
        }
        return offset + count;
    }

    @Override
    public RowCursor open(RowCursor input) {
        return new Cursor(input, offset, count);
    }

    @Override
    public String describe() {
        return "Limit(offset=" + offset + ", count=" + (bounded() ? String.valueOf(count) : "all") + ")";
    }

    private static final class Cursor extends PassThroughCursor {
        private long toSkip;
        private long remaining;

        Cursor(RowCursor input, long offset, long count) {
            super(input);
            this.toSkip = offset;
            this.remaining = count;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            onRow = false;
            if (remaining == 0) {
                // Done: release the shards now rather than when the user gets round to closing.
                input.close();
                return false;
            }
            while (toSkip > 0) {
                if (!input.next()) {
                    toSkip = 0;
                    remaining = 0;
                    input.close();
                    return false;
                }
                toSkip--;
            }
            if (!input.next()) {
                remaining = 0;
                input.close();
                return false;
            }
            if (remaining > 0) {
                remaining--;
            }
            onRow = true;
            return true;
        }
    }
}
