package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Combines the results of a UNION's branches, one cursor per branch in the statement's order: the first
 * {@code distinctBranches} are read one after another through {@code deduplicate} (UNION DISTINCT removes
 * duplicates from every branch to its left), the other branches follow as they are, and {@code combined} reads
 * that sequence (its source a {@link Concat}) and applies the union's ORDER BY and LIMIT.
 *
 * @param distinctBranches how many leading branches are deduplicated together; 0 for UNION ALL throughout
 * @param deduplicate      the plan over those branches; null when there are none
 * @param combined         the plan over the deduplicated rows (if any) followed by the other branches
 */
public record UnionMerge(int distinctBranches, MergePlan deduplicate, MergePlan combined) {

    public UnionMerge {
        Objects.requireNonNull(combined, "combined");
        if ((distinctBranches > 0) != (deduplicate != null)) {
            throw new IllegalArgumentException("a deduplicating plan goes with deduplicated branches");
        }
    }

    /** The union's rows. The returned cursor owns the branches; if it cannot be opened they are closed. */
    public RowCursor open(List<? extends RowCursor> branches) throws SQLException {
        if (branches.size() < Math.max(distinctBranches, 1)) {
            throw new IllegalArgumentException("a union of " + distinctBranches + " deduplicated branches was given "
                    + branches.size());
        }
        List<RowCursor> inputs = new ArrayList<>();
        if (deduplicate != null) {
            try {
                inputs.add(deduplicate.open(branches.subList(0, distinctBranches)));
            } catch (SQLException | RuntimeException e) {
                closeAfterFailure(branches.subList(distinctBranches, branches.size()), e);
                throw e;
            }
        }
        inputs.addAll(branches.subList(distinctBranches, branches.size()));
        return combined.open(inputs);
    }

    private static void closeAfterFailure(List<? extends RowCursor> cursors, Exception failure) {
        try {
            BaseCursor.closeAll(cursors);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The combination as EXPLAIN shows it, last step first, over {@code branches} branches: the deduplicated
     * branches' plan, then the appended branches, sit under the combined plan's source.
     */
    public String describe(int branches) {
        if (deduplicate == null) {
            return combined.describeOver("Branches(1.." + branches + ")");
        }
        StringBuilder text = new StringBuilder(combined.describeOver(""));
        String indent = "  ".repeat(combined.steps().size() + 1);
        for (String line : deduplicate.describeOver("Branches(1.." + distinctBranches + ")").split("\n")) {
            text.append(indent).append(line).append('\n');
        }
        if (distinctBranches < branches) {
            text.append(indent).append("Branches(").append(distinctBranches + 1).append("..").append(branches)
                    .append(")\n");
        }
        return text.toString();
    }
}
