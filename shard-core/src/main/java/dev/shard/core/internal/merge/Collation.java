package dev.shard.core.internal.merge;

/**
 * How the strings of one result column compare, as the database's collation for that column has them. The
 * dialect supplies one per kind of column it can tell apart (for MySQL: binary, and case-insensitive); the merge
 * sorts, groups and de-duplicates by it, so that rows from several shards come out as one database would order
 * them.
 */
public interface Collation {

    /** The order of two strings: negative, zero or positive. */
    int compare(String a, String b);

    /**
     * A canonical form of {@code s}, computed once per row so that sorting and merging do not work it out again at
     * every comparison: {@code key(a).equals(key(b))} exactly when {@code compare(a, b) == 0}, and
     * {@link #compareKeys} of two keys has the sign of {@link #compare} of their strings. For comparing only, never
     * for output.
     */
    String key(String s);

    /** The order of two keys made by {@link #key}. */
    int compareKeys(String a, String b);

    /** Whether case (and accents) do not count; EXPLAIN marks such columns "ci". */
    boolean caseInsensitive();
}
