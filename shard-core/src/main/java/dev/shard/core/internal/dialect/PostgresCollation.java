package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.Collation;

/**
 * PostgreSQL's {@code C}, {@code POSIX} and {@code C.UTF-8} collations (and {@code ucs_basic}): strings compare by
 * code point, which in UTF-8 is byte order, and every character counts: no case folding, and trailing spaces are
 * significant ({@code text} and {@code varchar} have no PAD SPACE). Java's {@code String.compareTo} compares UTF-16
 * code units, which puts supplementary characters (surrogates) below U+E000..U+FFFF; this order moves them above.
 *
 * <p>Other collations (a glibc locale such as {@code en_US.UTF-8}, or ICU) are not reproduced here; the dialect
 * refuses to merge by their strings (see {@link PostgresDialect}).
 */
enum PostgresCollation implements Collation {

    CODE_POINT;

    @Override
    public int compare(String a, String b) {
        return compareKeys(a, b);
    }

    @Override
    public String key(String s) {
        return s;
    }

    @Override
    public int compareKeys(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                return MySqlCollation.codePointOrder(ca) - MySqlCollation.codePointOrder(cb);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    @Override
    public boolean caseInsensitive() {
        return false;
    }

    /** Whether PostgreSQL compares strings of this collation (its name, as pg_database and pg_collation say) by code point. */
    static boolean isCodePoint(String collationName) {
        if (collationName == null) {
            return false;
        }
        String name = collationName.toLowerCase(java.util.Locale.ROOT);
        return name.equals("c") || name.equals("posix") || name.equals("ucs_basic") || name.equals("c.utf-8")
                || name.equals("c.utf8");
    }
}
