package dev.shard.core.internal.dialect;

import dev.shard.core.internal.merge.Collation;
import java.text.Normalizer;
import java.util.Locale;

/**
 * MySQL's two kinds of string column as the merge tells them apart, by what the driver reports
 * ({@code ResultSetMetaData.isCaseSensitive}). Both have PAD SPACE semantics: trailing spaces do not count.
 *
 * <ul>
 *   <li>{@link #BINARY}: by code point ({@code *_bin}, {@code binary}).</li>
 *   <li>{@link #CASE_INSENSITIVE}: like {@code *_general_ci}, case- and accent-insensitively, by folding each
 *       string (NFD, combining marks removed, lower case).</li>
 * </ul>
 *
 * <p>Known differences from MySQL: the fold approximates the collations, it does not implement them. Under
 * {@code utf8mb4_0900_ai_ci} punctuation sorts before digits (here by code point: {@code '_'} after {@code '9'}),
 * and {@code 'ß'} equals {@code 'ss'}; {@code *_general_ci} folds to upper case (so {@code '_'} sorts after
 * letters there). NO PAD collations (0900_ai_ci) treat trailing spaces as significant. Where such a difference
 * puts a shard's rows out of order, the merge reports an error rather than return a wrong answer.
 */
enum MySqlCollation implements Collation {

    BINARY {
        @Override
        public int compare(String a, String b) {
            return comparePadSpace(a, b);
        }

        @Override
        public String key(String s) {
            return stripTrailingSpaces(s);
        }

        @Override
        public boolean caseInsensitive() {
            return false;
        }
    },

    CASE_INSENSITIVE {
        @Override
        public int compare(String a, String b) {
            if (isAscii(a) && isAscii(b)) {
                return compareAsciiIgnoreCase(a, b);
            }
            return comparePadSpace(fold(a), fold(b));
        }

        @Override
        public String key(String s) {
            return fold(s);
        }

        @Override
        public boolean caseInsensitive() {
            return true;
        }
    };

    /** Keys are strings without trailing spaces (and folded, for {@link #CASE_INSENSITIVE}): code point order. */
    @Override
    public int compareKeys(String a, String b) {
        return comparePadSpace(a, b);
    }

    static MySqlCollation of(boolean caseInsensitive) {
        return caseInsensitive ? CASE_INSENSITIVE : BINARY;
    }

    /**
     * Code point order, as if the shorter string were padded with spaces (PAD SPACE): trailing spaces never
     * count, and a character below the space (a tab) at the end makes a string smaller than its prefix.
     */
    static int comparePadSpace(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                return codePointOrder(ca) - codePointOrder(cb);
            }
        }
        return comparePadding(a, b, n);
    }

    private static int compareAsciiIgnoreCase(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = lowerAscii(a.charAt(i));
            char cb = lowerAscii(b.charAt(i));
            if (ca != cb) {
                return ca - cb;
            }
        }
        return comparePadding(a, b, n);
    }

    private static int comparePadding(String a, String b, int from) {
        if (a.length() > from) {
            return padSign(a, from);
        }
        if (b.length() > from) {
            return -padSign(b, from);
        }
        return 0;
    }

    /** The sign of comparing {@code s}'s tail from {@code from} with spaces. */
    private static int padSign(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ') {
                return c < ' ' ? -1 : 1;
            }
        }
        return 0;
    }

    /**
     * UTF-16 code units reordered so that comparing them gives code point order: surrogates (supplementary
     * characters) move above U+E000..U+FFFF, as utf8mb4's binary order has them.
     */
    static int codePointOrder(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The case- and accent-insensitive form: NFD, combining marks removed, lower case, no trailing spaces. */
    static String fold(String s) {
        if (isAscii(s)) {
            return stripTrailingSpaces(s).toLowerCase(Locale.ROOT);
        }
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            int type = Character.getType(c);
            if (type != Character.NON_SPACING_MARK && type != Character.ENCLOSING_MARK
                    && type != Character.COMBINING_SPACING_MARK) {
                sb.append(c);
            }
        }
        return stripTrailingSpaces(sb.toString().toLowerCase(Locale.ROOT));
    }

    static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return end == s.length() ? s : s.substring(0, end);
    }
}
