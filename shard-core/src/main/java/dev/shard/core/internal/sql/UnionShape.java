package dev.shard.core.internal.sql;

import java.util.List;

/**
 * A UNION of SELECTs, cut into its branches so that each can be routed on its own: a branch on one shard runs
 * there as written, a branch on several shards runs as any scatter query does, and their merged rows are then
 * combined as {@link Combine} says. Read from the statement by {@link UnionAnalysis}.
 *
 * @param branches the SELECTs, in the statement's order (their order is the order of the combined rows)
 * @param combine  how the branches' rows become the statement's result
 */
public record UnionShape(List<Branch> branches, Combine combine) {

    public UnionShape {
        branches = List.copyOf(branches);
    }

    /**
     * One SELECT of the union.
     *
     * @param text       the branch's text, cut from the analysed (normalised) statement, parentheses removed
     * @param firstParam the template position of the branch's first '?': its own '?' are the template's
     *                   {@code firstParam .. firstParam + paramCount - 1}
     * @param paramCount how many '?' the branch has
     * @param shape      the branch analysed as a statement of its own, its parameter positions counted from 0
     */
    public record Branch(String text, int firstParam, int paramCount, StatementShape shape) {
    }

    /**
     * What turns the branches' rows into the union's, in MySQL's terms: a UNION DISTINCT removes duplicates from
     * every branch to its left, so rows of the branches before {@code distinctBranches} are deduplicated
     * together, and the branches after it (joined by UNION ALL only) are appended as they are. Then the union's
     * own ORDER BY and LIMIT apply to the whole.
     *
     * @param distinctBranches how many leading branches are deduplicated together; 0 for UNION ALL throughout
     * @param order            the union's ORDER BY, empty if none
     * @param limit            the union's LIMIT, or null
     */
    public record Combine(int distinctBranches, List<OrderKey> order, MergeSpec.LimitSpec limit) {

        public Combine {
            order = List.copyOf(order);
        }
    }

    /**
     * One key of the union's ORDER BY, which MySQL lets name only the result's columns: by position, or by a
     * label of the first branch.
     *
     * @param position the 0-based column, or -1 when the key is a label
     * @param label    the column label, or null for a position
     */
    public record OrderKey(int position, String label, boolean descending) {

        public String describe() {
            return (position >= 0 ? String.valueOf(position + 1) : label) + (descending ? " DESC" : " ASC");
        }
    }
}
