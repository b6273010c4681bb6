package dev.shard.core.internal.route;

/**
 * One SELECT of a planned UNION.
 *
 * @param text       the branch's text (normalised, as cut from the union's template)
 * @param firstParam the union template's position of the branch's first '?'
 * @param paramCount how many '?' the branch has
 * @param plan       the branch planned as a statement of its own, its parameters counted from 0
 */
public record UnionBranch(String text, int firstParam, int paramCount, StatementPlan plan) {

    /** The union's values as the branch sees them: its own '?' counted from 0. */
    Bindings bindings(Bindings union) {
        return index -> union.value(firstParam + index);
    }
}
