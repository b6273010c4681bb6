package dev.shard.cli.reshard;

import java.util.Objects;

/**
 * A place in a server's binary log: a file and a byte offset in it, and, where the server keeps GTIDs, the GTID
 * position that corresponds to it (MariaDB {@code @@gtid_binlog_pos}, MySQL's executed GTID set; null when unknown).
 *
 * <p>Positions are ordered by file, then offset; the GTID set takes no part in the order or in equality's meaning
 * beyond the record's own. Files compare by their numeric extension ({@code mariadb-bin.000010} comes after
 * {@code mariadb-bin.000009}, and {@code .1000000} after {@code .999999}), since that is how servers number them.
 */
public record BinlogPosition(String file, long position, String gtidSet) implements Comparable<BinlogPosition> {

    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        if (file.isBlank()) {
            throw new IllegalArgumentException("A binlog position needs a file name");
        }
        if (position < 0) {
            throw new IllegalArgumentException("A binlog position is not negative: " + position);
        }
    }

    @Override
    public int compareTo(BinlogPosition other) {
        int byFile = compareFiles(file, other.file);
        return byFile != 0 ? byFile : Long.compare(position, other.position);
    }

    /** True when this position is at or after {@code other}. */
    public boolean reached(BinlogPosition other) {
        return compareTo(other) >= 0;
    }

    static int compareFiles(String a, String b) {
        int dotA = a.lastIndexOf('.');
        int dotB = b.lastIndexOf('.');
        String baseA = dotA < 0 ? a : a.substring(0, dotA);
        String baseB = dotB < 0 ? b : b.substring(0, dotB);
        String extensionA = dotA < 0 ? "" : a.substring(dotA + 1);
        String extensionB = dotB < 0 ? "" : b.substring(dotB + 1);
        int byBase = baseA.compareTo(baseB);
        if (byBase != 0) {
            return byBase;
        }
        if (isDigits(extensionA) && isDigits(extensionB)) {
            int byLength = Integer.compare(stripZeros(extensionA).length(), stripZeros(extensionB).length());
            return byLength != 0 ? byLength : stripZeros(extensionA).compareTo(stripZeros(extensionB));
        }
        return extensionA.compareTo(extensionB);
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String stripZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    @Override
    public String toString() {
        return file + ":" + position + (gtidSet == null || gtidSet.isEmpty() ? "" : " (GTID " + gtidSet + ")");
    }
}
