package dev.shard.cli.reshard;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Follows transaction boundaries in the event stream and says where a resume may start: after an event that ends a
 * transaction (XID, a COMMIT or ROLLBACK query, a statement outside any transaction) or that lies between
 * transactions (a rotation, a format description, a checkpoint, a GTID list). Inside a transaction nothing is a
 * resume point.
 *
 * <p>A group starts with a GTID event (MySQL's GTID or anonymous GTID, MariaDB's GTID) or a BEGIN query. On MariaDB a
 * GTID event without the standalone flag opens a transaction by itself (no BEGIN follows); a standalone one, and a
 * MySQL GTID followed by something other than BEGIN, announce a single statement (DDL), which ends the group.
 *
 * <p>Where the start position had a GTID set, the GTID of each completed group is added to it: per domain on
 * MariaDB ({@code domain-server-sequence}, the last one per domain), MySQL's GTID set otherwise.
 */
final class BinlogTransactions {

    private String file;
    private boolean inGroup;
    private boolean inTransaction;
    private String groupGtid;
    private long groupDomain;
    private final boolean trackGtids;
    private final Map<Long, String> mariaDbGtids = new LinkedHashMap<>();
    private com.github.shyiko.mysql.binlog.GtidSet mySqlGtids;

    BinlogTransactions(BinlogPosition start) {
        this.file = start.file();
        this.trackGtids = start.gtidSet() != null && !start.gtidSet().isBlank();
        if (trackGtids) {
            if (isMariaDbGtidSet(start.gtidSet())) {
                for (String gtid : start.gtidSet().split(",")) {
                    String trimmed = gtid.trim();
                    mariaDbGtids.put(Long.parseLong(trimmed.substring(0, trimmed.indexOf('-'))), trimmed);
                }
            } else {
                mySqlGtids = new com.github.shyiko.mysql.binlog.GtidSet(start.gtidSet());
            }
        }
    }

    private static boolean isMariaDbGtidSet(String gtidSet) {
        return gtidSet.matches("\\s*\\d+-\\d+-\\d+(\\s*,\\s*\\d+-\\d+-\\d+)*\\s*");
    }

    /** The resume point this event leads to, or null when the event is inside a transaction. */
    BinlogPosition after(Event event) {
        EventHeaderV4 header = event.getHeader();
        Object data = event.getData();
        switch (header.getEventType()) {
            case ROTATE -> {
                RotateEventData rotate = (RotateEventData) data;
                file = rotate.getBinlogFilename();
                return inGroup ? null : position(rotate.getBinlogPosition());
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData gtid = (MariadbGtidEventData) data;
                inGroup = true;
                inTransaction = (gtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
                groupDomain = gtid.getDomainId();
                // The event's header holds the originating server id (the event data's is not filled in).
                groupGtid = gtid.getDomainId() + "-" + header.getServerId() + "-" + gtid.getSequence();
                return null;
            }
            case GTID -> {
                inGroup = true;
                inTransaction = false;
                groupGtid = ((GtidEventData) data).getMySqlGtid().toString();
                return null;
            }
            case ANONYMOUS_GTID -> {
                inGroup = true;
                inTransaction = false;
                groupGtid = null;
                return null;
            }
            case XID -> {
                return endGroup(header);
            }
            case QUERY -> {
                return query(header, ((QueryEventData) data).getSql());
            }
            case TABLE_MAP, WRITE_ROWS, EXT_WRITE_ROWS, UPDATE_ROWS, EXT_UPDATE_ROWS, DELETE_ROWS, EXT_DELETE_ROWS,
                 ANNOTATE_ROWS, ROWS_QUERY, INTVAR, RAND, USER_VAR, TRANSACTION_PAYLOAD, XA_PREPARE, HEARTBEAT -> {
                // Heartbeats carry the position of the last event sent, not an end of transaction of their own.
                return null;
            }
            default -> {
                return inGroup || header.getNextPosition() <= 0 ? null : position(header.getNextPosition());
            }
        }
    }

    private BinlogPosition query(EventHeaderV4 header, String sql) {
        String statement = sql.trim().toUpperCase(Locale.ROOT);
        if (statement.equals("BEGIN") || statement.startsWith("XA START")) {
            inGroup = true;
            inTransaction = true;
            return null;
        }
        if (statement.equals("COMMIT") || statement.startsWith("ROLLBACK") || statement.startsWith("XA COMMIT")) {
            return endGroup(header);
        }
        // A statement inside a transaction is part of it; outside one it is a group of its own (DDL).
        return inTransaction ? null : endGroup(header);
    }

    private BinlogPosition endGroup(EventHeaderV4 header) {
        if (trackGtids && groupGtid != null) {
            if (mySqlGtids != null) {
                mySqlGtids.add(groupGtid);
            } else {
                mariaDbGtids.put(groupDomain, groupGtid);
            }
        }
        inGroup = false;
        inTransaction = false;
        groupGtid = null;
        return header.getNextPosition() <= 0 ? null : position(header.getNextPosition());
    }

    private BinlogPosition position(long offset) {
        String gtids = null;
        if (trackGtids) {
            gtids = mySqlGtids != null ? mySqlGtids.toString() : String.join(",", mariaDbGtids.values());
        }
        return new BinlogPosition(file, offset, gtids);
    }
}
