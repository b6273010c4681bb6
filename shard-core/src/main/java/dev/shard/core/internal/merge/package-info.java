/**
 * The merge engine: combines the cursors of a query that ran on several shards into exactly the rows one
 * unsharded MySQL database would have returned, streaming.
 *
 * <h2>Shape</h2>
 * A {@link dev.shard.core.internal.merge.MergePlan} is a {@link dev.shard.core.internal.merge.MergeSource} over
 * the shard cursors ({@link dev.shard.core.internal.merge.Concat} or
 * {@link dev.shard.core.internal.merge.OrderedMerge}) and a pipeline of
 * {@link dev.shard.core.internal.merge.MergeStep}s. Plans and steps are immutable values that describe
 * themselves (EXPLAIN); {@code open} makes the per-execution cursors. Every cursor closes its inputs when it is
 * closed, and closes them early once it has read all it needs.
 *
 * <h2>One vocabulary from the analysis on</h2>
 * The rewrite ({@code SelectRewriter}) describes the merge in this package's types: {@link
 * dev.shard.core.internal.merge.AggregateKind}, {@link dev.shard.core.internal.merge.SortKey}, {@link
 * dev.shard.core.internal.merge.AggregateColumn} and {@link dev.shard.core.internal.merge.Expr}. What it cannot
 * know yet, it leaves as leaves: a {@link dev.shard.core.internal.merge.Slot} for a column (the shards' column
 * count, with {@code SELECT *}, and their collations come from result metadata) and an {@code Expr.Param} for a
 * bound value. {@code MergePlanner} resolves them through a {@link dev.shard.core.internal.merge.Resolver} and
 * lays out the steps; steps accept resolved columns only.
 *
 * <h2>What the shard query rewrite must provide</h2>
 * <table>
 *   <caption>Rewrite and merge, per clause</caption>
 *   <tr><th>user query</th><th>shard query</th><th>merge</th></tr>
 *   <tr><td>ORDER BY k</td><td>ORDER BY k (k selected, maybe hidden)</td><td>OrderedMerge(k), Project</td></tr>
 *   <tr><td>LIMIT o, n</td><td>LIMIT o + n</td><td>Limit(o, n)</td></tr>
 *   <tr><td>aggregates, no GROUP BY</td><td>the same aggregates; AVG(x) as SUM(x), COUNT(x)</td>
 *       <td>Concat, Aggregate, Project</td></tr>
 *   <tr><td>GROUP BY g</td><td>GROUP BY g ORDER BY g</td><td>OrderedMerge(g), GroupAggregate(g)</td></tr>
 *   <tr><td>COUNT/SUM/AVG(DISTINCT x)</td><td>GROUP BY [g,] x ORDER BY [g,] x, selecting x in each column
 *       that aggregates it</td><td>OrderedMerge([g,] x), Aggregate or GroupAggregate(g)</td></tr>
 *   <tr><td>HAVING p</td><td>no HAVING; p's aggregates selected</td><td>Filter(p) after the aggregation</td></tr>
 *   <tr><td>an expression over aggregates, e.g. SUM(a) / COUNT(*)</td><td>the expression (for its type), its
 *       aggregates selected</td><td>Compute after the aggregation, before Filter and MemorySort</td></tr>
 *   <tr><td>GROUP_CONCAT(a ORDER BY k)</td><td>also GROUP BY a, k; CONCAT(a), k, COUNT(*) and
 *       {@code @@group_concat_max_len} selected</td><td>Aggregate or GroupAggregate with a {@link
 *       dev.shard.core.internal.merge.GroupConcat}</td></tr>
 *   <tr><td>ORDER BY an aggregate</td><td>as GROUP BY</td><td>MemorySort (top-N when a LIMIT follows)</td></tr>
 *   <tr><td>DISTINCT</td><td>DISTINCT ... ORDER BY the distinct columns</td>
 *       <td>OrderedMerge, Distinct</td></tr>
 * </table>
 *
 * <h2>Memory</h2>
 * Proportional to the number of shards for every step except {@link dev.shard.core.internal.merge.MemorySort},
 * which holds all its input rows (after a GROUP BY, one per group) or, with a top-N bound, that many rows.
 * COUNT(DISTINCT) counts value changes of a sorted stream: O(1), not a set of values. GROUP_CONCAT holds one group's
 * pieces, as the database does.
 *
 * <h2>Order is checked, not trusted</h2>
 * Streaming GROUP BY, DISTINCT and the DISTINCT aggregates are only right if equal values arrive together, which
 * holds if every shard sorts as {@link dev.shard.core.internal.merge.ValueComparator} does with the dialect's
 * {@link dev.shard.core.internal.merge.Collation}. Where a shard's collation or type order disagrees (see
 * {@code MySqlCollation} for the known cases, and ENUM columns, which MySQL sorts by index), the steps detect the
 * disorder and fail with an SQLException instead of returning a wrong answer.
 *
 * <h2>Not supported</h2>
 * <ul>
 *   <li>COUNT(DISTINCT a, b) over several columns; DISTINCT aggregates over two different columns in one query;
 *       SUM/AVG(DISTINCT) of non-numeric values.</li>
 *   <li>BIT_AND/OR/XOR, STD/VARIANCE, JSON_ARRAYAGG and other aggregates; WITH ROLLUP; window
 *       functions.</li>
 *   <li>A hash-based DISTINCT or GROUP BY for unsorted input: the rewrite always sorts on the shards.</li>
 *   <li>Exact emulation of MySQL collations: case-insensitive strings are folded (NFD, no marks, lower case),
 *       which matches {@code *_general_ci} and {@code *_0900_ai_ci} for letters but not for every character;
 *       NO PAD collations are treated as PAD SPACE. Mismatches in order are detected (above), mismatches in
 *       equality (e.g. 'ß' = 'ss' under 0900_ai_ci) are not.</li>
 *   <li>DOUBLE sums add the shards' partial sums, so the last bits may differ from one database's sum.</li>
 *   <li>Expr has only the numeric functions of {@link dev.shard.core.internal.merge.ScalarFunction} and COALESCE
 *       and IFNULL: no CONCAT, CASE, LIKE, or temporal arithmetic (over values without aggregates, the shards
 *       compute those).</li>
 * </ul>
 */
package dev.shard.core.internal.merge;
