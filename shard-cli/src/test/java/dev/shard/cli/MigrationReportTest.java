package dev.shard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.MigrationReport.DataSourceState;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationReportTest {

    private static DataSourceState at(String name, String version, List<String> applied, List<String> pending) {
        return new DataSourceState(name, version, applied, pending, null, null);
    }

    @Test
    void completeWhenEveryDataSourceIsAtTheLatestVersion() {
        MigrationReport report = new MigrationReport("3", false,
                List.of(at("ds0", "3", List.of("3"), List.of()), at("main", "3", List.of(), List.of())));
        assertThat(report.complete()).isTrue();
        assertThat(report.render()).isEqualTo(String.join(System.lineSeparator(),
                "ds0   version 3        applied: 3            pending: none         failed: none",
                "main  version 3        applied: none         pending: none         failed: none",
                "OK: every data source is at version 3", ""));
    }

    @Test
    void aFailureIsNamedWithItsReasonIndentedAndTheDataSourcesBehindAreListed() {
        MigrationReport report = new MigrationReport("3", false, List.of(
                new DataSourceState("ds0", "2", List.of(), List.of("3"), "3", "Script V3 failed\nMessage : exists"),
                at("ds1", "2", List.of(), List.of("3"))));
        assertThat(report.complete()).isFalse();
        assertThat(report.render()).contains("ds0  version 2        applied: none         pending: 3            failed: 3"
                        + System.lineSeparator() + "    Script V3 failed" + System.lineSeparator() + "    Message : exists")
                .contains("INCOMPLETE: failed: ds0 at version 3; behind version 3: ds1 at 2; fix the cause");
    }

    @Test
    void aDryRunWithWorkToDoIsNotComplete() {
        MigrationReport report = new MigrationReport("1", true, List.of(at("ds0", null, List.of("1"), List.of("1"))));
        assertThat(report.complete()).isFalse();
        assertThat(report.render()).contains("would apply: 1 ").contains("PENDING: behind version 1: ds0 at none");
    }

    @Test
    void noMigrationsAtAllIsComplete() {
        MigrationReport report = new MigrationReport(null, false, List.of(at("ds0", null, List.of(), List.of())));
        assertThat(report.complete()).isTrue();
        assertThat(report.render()).contains("OK: no migrations in the locations");
    }
}
