package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the shards' cursors become the one result a single database would have given: a {@link MergeSource} over
 * the shards, then {@link #steps} applied in order (the first step reads the source). Immutable, so one plan
 * can be cached per statement and opened for every execution.
 *
 * <p>{@link #describe} renders the plan top-down as EXPLAIN shows it, the last step first:
 * <pre>
 * Limit(offset=20, count=10)
 *   OrderedMerge(keys=[2 DESC, 0 ASC])
 *     Shards(4)
 * </pre>
 */
public record MergePlan(MergeSource source, List<MergeStep> steps) {

    public MergePlan {
        Objects.requireNonNull(source, "source");
        steps = List.copyOf(steps);
    }

    /** Rows from the shards one after another: no order to keep. */
    public static Builder concat() {
        return new Builder(new Concat());
    }

    /** Rows merged in {@code keys} order; each shard's rows must come sorted by them. */
    public static Builder orderedMerge(List<SortKey> keys) {
        return new Builder(new OrderedMerge(keys));
    }

    public static Builder orderedMerge(SortKey... keys) {
        return orderedMerge(List.of(keys));
    }

    /**
     * Runs the plan over the shards' cursors, one per shard, in shard order (which breaks ties). The returned
     * cursor owns them: closing it closes them all. If the plan cannot be opened over them, they are closed
     * before the exception is thrown.
     */
    public RowCursor open(List<? extends RowCursor> shards) throws SQLException {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a merge plan needs at least one shard cursor");
        }
        RowCursor cursor;
        try {
            cursor = source.open(shards);
        } catch (SQLException | RuntimeException e) {
            closeAfterFailure(List.copyOf(shards), e);
            throw e;
        }
        for (MergeStep step : steps) {
            try {
                cursor = step.open(cursor);
            } catch (SQLException | RuntimeException e) {
                closeAfterFailure(List.of(cursor), e);
                throw e;
            }
        }
        return cursor;
    }

    private static void closeAfterFailure(List<RowCursor> cursors, Exception failure) {
        try {
            BaseCursor.closeAll(cursors);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** The plan as EXPLAIN shows it, with the shards as {@code Shards}. */
    public String describe() {
        return render("Shards");
    }

    /** The plan as EXPLAIN shows it for a run over {@code shardCount} shards. */
    public String describe(int shardCount) {
        return render("Shards(" + shardCount + ")");
    }

    /** The plan as EXPLAIN shows it over inputs described by {@code leaf}; no leaf line when it is empty. */
    public String describeOver(String leaf) {
        return render(leaf);
    }

    private String render(String leaf) {
        List<String> lines = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            lines.add(steps.get(i).describe());
        }
        lines.add(source.describe());
        if (!leaf.isEmpty()) {
            lines.add(leaf);
        }
        StringBuilder sb = new StringBuilder();
        for (int depth = 0; depth < lines.size(); depth++) {
            sb.append("  ".repeat(depth)).append(lines.get(depth)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builds a plan bottom-up, in the order the steps apply. */
    public static final class Builder {
        private final MergeSource source;
        private final List<MergeStep> steps = new ArrayList<>();

        private Builder(MergeSource source) {
            this.source = source;
        }

        public Builder aggregate(List<AggregateColumn> aggregates) {
            return step(new Aggregate(aggregates));
        }

        public Builder aggregate(AggregateColumn... aggregates) {
            return aggregate(List.of(aggregates));
        }

        public Builder groupAggregate(List<SortKey> keys, List<AggregateColumn> aggregates) {
            return step(new GroupAggregate(keys, aggregates));
        }

        public Builder filter(Expr predicate) {
            return step(new Filter(predicate));
        }

        public Builder sort(List<SortKey> keys) {
            return step(new MemorySort(keys));
        }

        public Builder sort(SortKey... keys) {
            return sort(List.of(keys));
        }

        public Builder distinct(List<SortKey> keys) {
            return step(new Distinct(keys));
        }

        public Builder distinct(SortKey... keys) {
            return distinct(List.of(keys));
        }

        public Builder limit(long offset, long count) {
            return step(new Limit(offset, count));
        }

        public Builder project(List<Integer> columns) {
            return step(new Project(columns));
        }

        public Builder project(Integer... columns) {
            return project(List.of(columns));
        }

        public Builder step(MergeStep step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * The plan, with each {@link MemorySort} that a bounded {@link Limit} follows (with only
         * {@link Project}s, which keep the row count, between them) turned into a top-N sort keeping
         * {@code offset + count} rows.
         */
        public MergePlan build() {
            List<MergeStep> result = new ArrayList<>(steps);
            for (int i = 0; i < result.size(); i++) {
                if (!(result.get(i) instanceof MemorySort)) {
                    continue;
                }
                MemorySort sort = (MemorySort) result.get(i);
                int j = i + 1;
                while (j < result.size() && result.get(j) instanceof Project) {
                    j++;
                }
                if (j < result.size() && result.get(j) instanceof Limit) {
                    long needed = ((Limit) result.get(j)).rowsNeeded();
                    if (needed != Limit.UNBOUNDED && (sort.top() == Limit.UNBOUNDED || needed < sort.top())) {
                        result.set(i, sort.withTop(needed));
                    }
                }
            }
            return new MergePlan(source, result);
        }
    }
}
