package dev.shard.cli.reshard;

/**
 * A place in one source's binary log, as {@code SHOW MASTER STATUS} reports it; {@code gtidSet} is empty when the
 * server has no GTIDs. Kept in the progress table as text ({@link #encode}).
 */
record LogPosition(String file, long position, String gtidSet) {

    LogPosition {
        gtidSet = gtidSet == null ? "" : gtidSet;
    }

    String encode() {
        return file + "\n" + position + "\n" + gtidSet;
    }

    static LogPosition decode(String text) {
        String[] parts = text.split("\n", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a binlog position: " + text);
        }
        return new LogPosition(parts[0], Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
    }

    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " (gtid " + gtidSet + ")");
    }
}
