package dev.shard.core.internal.dialect;

import java.util.List;
import java.util.Objects;

/**
 * A statement with its literals lifted out into bind values.
 *
 * @param template      the text with each lifted literal replaced by '?'; user '?' stay '?'
 * @param params        one entry per '?' in template, in order
 * @param maxParenDepth deepest nesting of parentheses seen (used to send pathological statements to a guarded parse)
 * @param normalized    false when the statement kind is not normalised, or the text is malformed (template is the
 *                      original text then, or on PostgreSQL the same statement as the parser reads it, and params
 *                      holds only the user's placeholders)
 */
public record NormalizedSql(String template, List<ParamSource> params, int maxParenDepth, boolean normalized) {

    public NormalizedSql {
        Objects.requireNonNull(template, "template");
        // Results are cached and shared between threads: make sure nobody can mutate the list behind our back.
        params = List.copyOf(params);
    }
}
