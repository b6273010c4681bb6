package dev.shard.core.internal.hash;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * A MySQL/MariaDB collation's sort keys, computed as {@code WEIGHT_STRING} computes them, so that a string shard
 * key hashes by what its column compares: under {@code utf8mb4_general_ci} 'Straße' and 'strase' are one key (the
 * collation weighs 'ß' as 's'), under {@code utf8mb4_unicode_ci} 'Straße' and 'strasse' are. Two strings the
 * column holds equal have equal weights and so meet on one shard, which folding case and accents in Java cannot
 * promise.
 *
 * <p>The weights of {@code utf8mb4_general_ci} and {@code utf8mb4_unicode_ci} come from tables generated from the
 * server ({@code CollationWeightsGenerator} in shard-jdbc's tests, checked by {@code CollationWeightsIT}): every
 * BMP character's weight, 0 to n 16-bit units (neither collation has contractions, so a string weighs the
 * concatenation of its characters' weights); every supplementary character weighs 0xFFFD. The {@code _bin}
 * collations weigh each character by its code point in 3 bytes. All three pad with spaces (PAD SPACE): trailing
 * weights of a space are not part of the key. The utf8mb3 ({@code utf8_}) collations of the same names weigh
 * alike.
 *
 * <p>Persistent format, like {@link ShardKeys}: the tables decide where rows live, so they must not change.
 */
public final class CollationWeights {

    private static final Map<String, CollationWeights> LOADED = new ConcurrentHashMap<>();
    private static final int SUPPLEMENTARY = 0xFFFD;

    /** Null for {@code _bin}: the weight is the code point. */
    private final int[] offsets;
    private final char[] units;
    private final String name;
    /** For each unit, the ASCII character weighing exactly it, or 0 when none does. */
    private final char[] asciiOf;
    /** The weight of one space, which PAD SPACE leaves out at the end. */
    private final byte[] space;

    private CollationWeights(String name, int[] offsets, char[] units) {
        this.name = name;
        this.offsets = offsets;
        this.units = units;
        this.asciiOf = offsets == null ? null : asciiByUnit(offsets, units);
        this.space = bytes(" ", false);
    }

    /**
     * The weights of a column's collation, or null when Shard has none for it (then string keys hash by the
     * collation-independent fold of {@link ShardKeys}).
     */
    public static CollationWeights of(String collation) {
        if (collation == null) {
            return null;
        }
        String table = tableName(collation.toLowerCase(Locale.ROOT));
        return table == null ? null : LOADED.computeIfAbsent(table, CollationWeights::load);
    }

    /** Whether Shard has weights for the collation. */
    public static boolean known(String collation) {
        return collation != null && tableName(collation.toLowerCase(Locale.ROOT)) != null;
    }

    private static String tableName(String collation) {
        return switch (collation) {
            case "utf8mb4_general_ci", "utf8mb3_general_ci", "utf8_general_ci" -> "utf8mb4_general_ci";
            case "utf8mb4_unicode_ci", "utf8mb3_unicode_ci", "utf8_unicode_ci" -> "utf8mb4_unicode_ci";
            case "utf8mb4_bin", "utf8mb3_bin", "utf8_bin" -> "utf8mb4_bin";
            default -> null;
        };
    }

    private static CollationWeights load(String table) {
        if (table.equals("utf8mb4_bin")) {
            return new CollationWeights(table, null, null);
        }
        String resource = table + ".weights";
        try (InputStream raw = CollationWeights.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("the weight table " + resource + " is missing from shard-core");
            }
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
            int[] offsets = new int[0x10001];
            char[] units = new char[0x10000 * 2];
            int used = 0;
            int previous = 0;
            int previousCount = 0;
            for (int cp = 0; cp < 0x10000; cp++) {
                int count = in.readUnsignedByte();
                if (used + count > units.length) {
                    units = Arrays.copyOf(units, Math.max(units.length * 2, used + count));
                }
                // Each unit is stored as its difference from the previous code point's unit at the same position.
                for (int i = 0; i < count; i++) {
                    char base = i < previousCount ? units[previous + i] : 0;
                    units[used + i] = (char) (base + in.readChar());
                }
                previous = used;
                previousCount = count;
                used += count;
                offsets[cp + 1] = used;
            }
            return new CollationWeights(table, offsets, Arrays.copyOf(units, used));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weight table " + resource, e);
        }
    }

    private static char[] asciiByUnit(int[] offsets, char[] units) {
        char[] ascii = new char[0x10000];
        // Highest first, so that the lowest character weighing a unit ('A' before 'a') is the one kept.
        for (int c = 0x7F; c >= 0; c--) {
            if (offsets[c + 1] - offsets[c] == 1) {
                ascii[units[offsets[c]]] = (char) c;
            }
        }
        return ascii;
    }

    public String name() {
        return name;
    }

    /** The string's weight as {@code WEIGHT_STRING(s COLLATE name)} gives it for a VARCHAR, trailing spaces included. */
    public byte[] weightString(String s) {
        return bytes(s, false);
    }

    /** The weight without its trailing spaces' weights: equal exactly when the collation holds the strings equal. */
    byte[] key(String s) {
        return bytes(s, true);
    }

    /**
     * The key spelled in ASCII when every unit of it is the weight of one ASCII character ('4²' under general_ci
     * reads '42'), else null: a key that reads as a number hashes as that number, as {@link ShardKeys} has it.
     */
    String asciiForm(byte[] key) {
        if (asciiOf == null) {
            StringBuilder sb = new StringBuilder(key.length / 3);
            for (int i = 0; i + 2 < key.length; i += 3) {
                int cp = (key[i] & 0xFF) << 16 | (key[i + 1] & 0xFF) << 8 | key[i + 2] & 0xFF;
                if (cp >= 0x80) {
                    return null;
                }
                sb.append((char) cp);
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder(key.length / 2);
        for (int i = 0; i + 1 < key.length; i += 2) {
            char unit = (char) ((key[i] & 0xFF) << 8 | key[i + 1] & 0xFF);
            char c = asciiOf[unit];
            if (c == 0 && !isWeightOfNul(unit)) {
                return null;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private boolean isWeightOfNul(char unit) {
        return offsets[1] - offsets[0] == 1 && units[offsets[0]] == unit;
    }

    private byte[] bytes(String s, boolean stripPadding) {
        int width = offsets == null ? 3 : 2;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length() * width);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (offsets == null) {
                out.write(cp >>> 16);
                out.write(cp >>> 8);
                out.write(cp);
            } else if (cp >= 0x10000) {
                out.write(SUPPLEMENTARY >>> 8);
                out.write(SUPPLEMENTARY & 0xFF);
            } else {
                for (int u = offsets[cp]; u < offsets[cp + 1]; u++) {
                    out.write(units[u] >>> 8);
                    out.write(units[u] & 0xFF);
                }
            }
        }
        byte[] weight = out.toByteArray();
        if (!stripPadding) {
            return weight;
        }
        // PAD SPACE compares the shorter string as if padded with spaces: trailing space weights (whatever
        // characters gave them, and with ignorable characters between) do not count.
        int end = weight.length;
        while (end >= space.length && Arrays.equals(weight, end - space.length, end, space, 0, space.length)) {
            end -= space.length;
        }
        return end == weight.length ? weight : Arrays.copyOf(weight, end);
    }
}
