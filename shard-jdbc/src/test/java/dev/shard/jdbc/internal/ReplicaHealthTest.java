package dev.shard.jdbc.internal;

import dev.shard.jdbc.ReplicaStatus.State;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The states a replica's checks lead to, with the hysteresis of {@link ReplicaHealth} (no database needed). */
class ReplicaHealthTest {

    private static ReplicaHealth.Seen seen(State state, long lag) {
        return new ReplicaHealth.Seen(state, lag, null, state + " " + lag);
    }

    @Test
    void aLaggingReplicaComesBackOnlyOnceItIsHalfTheBoundBehind() {
        ReplicaHealth health = new ReplicaHealth("ds0-replica0", null, 4000, 1000, () -> false);
        assertThat(health.inRotation()).as("before its first check").isTrue();
        health.record(seen(State.UP, 3000));
        assertThat(health.inRotation()).isTrue();
        health.record(seen(State.LAGGING, 5000));
        assertThat(health.seen().state()).isEqualTo(State.LAGGING);
        assertThat(health.inRotation()).isFalse();
        health.record(seen(State.UP, 3000));
        assertThat(health.seen().state()).as("within the bound, but not half of it").isEqualTo(State.LAGGING);
        assertThat(health.seen().lagMillis()).isEqualTo(3000);
        assertThat(health.inRotation()).isFalse();
        health.record(seen(State.UP, 2000));
        assertThat(health.seen().state()).isEqualTo(State.UP);
        assertThat(health.inRotation()).isTrue();
    }

    @Test
    void stoppedOrDownReplicasLeaveAndReturnAtTheirFirstGoodCheck() {
        ReplicaHealth health = new ReplicaHealth("ds0-replica0", null, 4000, 1000, () -> false);
        health.record(seen(State.STOPPED, -1));
        assertThat(health.inRotation()).isFalse();
        java.time.Instant since = health.seen().since();
        health.record(seen(State.STOPPED, -1));
        assertThat(health.seen().since()).as("since the state began").isEqualTo(since);
        health.record(seen(State.UP, 3000));
        assertThat(health.inRotation()).as("no hysteresis after a stop: its lag is within the bound").isTrue();
        health.record(seen(State.DOWN, -1));
        assertThat(health.inRotation()).isFalse();
        health.record(seen(State.UP, 0));
        assertThat(health.inRotation()).isTrue();
    }

    /** A status row as MariaDB's SHOW SLAVE STATUS gives it, made by H2, read by the check. */
    private static ReplicaHealth.Seen fromStatus(boolean primaryDown, String io, String sql, String behind)
            throws java.sql.SQLException {
        return fromStatus(primaryDown, io, sql, behind, "Slave_IO_Running", "Slave_SQL_Running",
                "Seconds_Behind_Master");
    }

    /** A status row with the given column names (MySQL 8.0.22 renamed them), made by H2, read by the check. */
    private static ReplicaHealth.Seen fromStatus(boolean primaryDown, String io, String sql, String behind,
                                                 String ioColumn, String sqlColumn, String lagColumn)
            throws java.sql.SQLException {
        ReplicaHealth health = new ReplicaHealth("ds0-replica0", null, 4000, 1000, () -> primaryDown);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:mem:");
             java.sql.PreparedStatement p = c.prepareStatement("SELECT CAST(? AS VARCHAR) AS " + ioColumn
                     + ", CAST(? AS VARCHAR) AS " + sqlColumn + ", CAST(? AS BIGINT) AS " + lagColumn
                     + ", '' AS Last_IO_Error, 'boom' AS Last_SQL_Error")) {
            p.setString(1, io);
            p.setString(2, sql);
            p.setString(3, behind);
            try (java.sql.ResultSet rows = p.executeQuery()) {
                return health.fromStatus(rows);
            }
        }
    }

    @Test
    void aStatusRowGivesTheState() throws java.sql.SQLException {
        assertThat(fromStatus(false, "Yes", "Yes", "3").state()).isEqualTo(State.UP);
        assertThat(fromStatus(false, "Yes", "Yes", "3").lagMillis()).isEqualTo(3000);
        assertThat(fromStatus(false, "Yes", "Yes", "5").state()).isEqualTo(State.LAGGING);
        assertThat(fromStatus(false, "Yes", "Yes", null).state()).as("lag unknown").isEqualTo(State.LAGGING);
        ReplicaHealth.Seen stopped = fromStatus(false, "Yes", "No", null);
        assertThat(stopped.state()).isEqualTo(State.STOPPED);
        assertThat(stopped.detail()).isEqualTo("IO thread Yes, SQL thread No, SQL error: boom");
        assertThat(fromStatus(false, "Connecting", "Yes", null).state()).as("cut off from a live primary")
                .isEqualTo(State.STOPPED);
        assertThat(fromStatus(true, "Connecting", "Yes", null).state()).as("its primary is down: it has all there is")
                .isEqualTo(State.UP);
        assertThat(fromStatus(true, "No", "Yes", null).state()).isEqualTo(State.STOPPED);
    }

    @Test
    void mySqlsRenamedColumnsGiveTheSameStates() throws java.sql.SQLException {
        ReplicaHealth.Seen up = fromStatus(false, "Yes", "Yes", "3", "Replica_IO_Running", "Replica_SQL_Running",
                "Seconds_Behind_Source");
        assertThat(up.state()).isEqualTo(State.UP);
        assertThat(up.lagMillis()).isEqualTo(3000);
        assertThat(up.detail()).isEqualTo("Seconds_Behind_Source=3, bound 4000 ms");
        assertThat(fromStatus(false, "Yes", "No", null, "Replica_IO_Running", "Replica_SQL_Running",
                "Seconds_Behind_Source").state()).isEqualTo(State.STOPPED);
        assertThat(fromStatus(false, "Yes", "Yes", null, "Replica_IO_Running", "Replica_SQL_Running",
                "Seconds_Behind_Source").detail()).isEqualTo("lag unknown (Seconds_Behind_Source is NULL)");
    }
}
