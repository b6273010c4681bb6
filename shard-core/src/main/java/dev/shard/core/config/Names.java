package dev.shard.core.config;

import java.util.Collection;
import java.util.Locale;

/** Identifier normalisation and "did you mean" suggestions. */
final class Names {

    private Names() {
    }

    /**
     * The canonical form of a table or column name: trimmed, one pair of surrounding backticks or double quotes
     * removed, lower-cased. SQL text reaches the router in whatever case and quoting the application used; both sides
     * go through this so that {@code `T_Order`} in SQL matches {@code t_order} in the configuration.
     *
     * @return null for null
     */
    static String normalise(String name) {
        if (name == null) {
            return null;
        }
        String s = name.strip();
        if (s.length() >= 2) {
            char first = s.charAt(0);
            char last = s.charAt(s.length() - 1);
            if ((first == '`' || first == '"') && first == last) {
                s = s.substring(1, s.length() - 1).strip();
            }
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** The candidate closest to {@code key} if it is close enough to be a likely typo, else null. */
    static String closest(String key, Collection<String> candidates) {
        String lower = key.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
