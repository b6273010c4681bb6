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
        ReplicaHealth health = new ReplicaHealth("ds0-replica0", null, 4000, 1000);
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
        ReplicaHealth health = new ReplicaHealth("ds0-replica0", null, 4000, 1000);
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
}
