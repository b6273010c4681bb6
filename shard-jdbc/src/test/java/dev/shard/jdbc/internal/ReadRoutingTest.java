package dev.shard.jdbc.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of docs/replication.md: which statements may go to a replica. */
class ReadRoutingTest {

    @ParameterizedTest(name = "{0}, readOnly={1}, primaryOnly={2}, replicas={3} -> replica={4}")
    @CsvSource({
            "READ,                false, false, 1, true",
            "READ,                true,  false, 2, true",
            "READ,                false, true,  1, false",
            "READ,                false, false, 0, false",
            "READ_IN_TRANSACTION, false, false, 1, false",
            "READ_IN_TRANSACTION, true,  false, 1, true",
            "READ_IN_TRANSACTION, true,  true,  1, false",
            "READ_IN_TRANSACTION, true,  false, 0, false",
            "READ_ON_PRIMARY,     false, false, 1, false",
            "READ_ON_PRIMARY,     true,  false, 1, false",
            "WRITE,               false, false, 1, false",
            "WRITE,               true,  false, 1, false",
    })
    void onlyPlainReadsOutsideReadWriteTransactionsMayUseAReplica(Topology.Intent intent, boolean readOnly,
                                                                  boolean primaryOnly, int replicas,
                                                                  boolean replica) {
        assertThat(ReadRouting.mayUseReplica(intent, readOnly, primaryOnly, replicas)).isEqualTo(replica);
    }
}
