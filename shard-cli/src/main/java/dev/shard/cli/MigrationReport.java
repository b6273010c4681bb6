package dev.shard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a migration run (or a dry run) found and did on every physical data source.
 *
 * @param latestVersion the highest version among the migrations in the locations; null when there are none
 * @param dryRun        whether this is a plan only: {@code applied} then lists what would be applied
 * @param dataSources   one entry per data source, in the configuration's order
 */
public record MigrationReport(String latestVersion, boolean dryRun, List<DataSourceState> dataSources) {

    /**
     * One data source after the run.
     *
     * @param name           the data source's name in shard.yaml
     * @param currentVersion the highest version applied successfully; null for an empty history
     * @param applied        versions applied by this run (by a dry run: that it would apply), in order
     * @param pending        versions still to apply after this run
     * @param failedVersion  the version that failed on this data source, in this run or left failed by an earlier
     *                       one; null when none failed
     * @param failure        the failure, passwords masked; null when none failed
     */
    public record DataSourceState(String name, String currentVersion, List<String> applied, List<String> pending,
                                  String failedVersion, String failure) {

        public DataSourceState {
            Objects.requireNonNull(name, "name");
            applied = List.copyOf(applied);
            pending = List.copyOf(pending);
        }

        public boolean failed() {
            return failedVersion != null;
        }
    }

    public MigrationReport {
        dataSources = List.copyOf(dataSources);
    }

    /** Whether every data source is at the latest version with nothing pending and nothing failed. */
    public boolean complete() {
        for (DataSourceState state : dataSources) {
            if (state.failed() || !state.pending().isEmpty()
                    || !Objects.equals(state.currentVersion(), latestVersion)) {
                return false;
            }
        }
        return true;
    }

    /** The report as the command line prints it: one line per data source, then a verdict. */
    public String render() {
        int width = 0;
        for (DataSourceState state : dataSources) {
            width = Math.max(width, state.name().length());
        }
        StringBuilder out = new StringBuilder();
        String appliedLabel = dryRun ? "would apply" : "applied";
        for (DataSourceState state : dataSources) {
            out.append(String.format("%-" + width + "s  version %-8s %s: %-12s pending: %-12s failed: %s%n",
                    state.name(), orNone(state.currentVersion()), appliedLabel, list(state.applied()),
                    list(state.pending()), state.failed() ? state.failedVersion() : "none"));
            if (state.failure() != null) {
                for (String line : state.failure().strip().split("\\R")) {
                    out.append("    ").append(line).append(System.lineSeparator());
                }
            }
        }
        out.append(verdict()).append(System.lineSeparator());
        return out.toString();
    }

    private String verdict() {
        if (complete()) {
            return latestVersion == null ? "OK: no migrations in the locations"
                    : "OK: every data source is at version " + latestVersion;
        }
        List<String> failed = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        for (DataSourceState state : dataSources) {
            if (state.failed()) {
                failed.add(state.name() + " at version " + state.failedVersion());
            } else if (!Objects.equals(state.currentVersion(), latestVersion)) {
                behind.add(state.name() + " at " + orNone(state.currentVersion()));
            }
        }
        StringBuilder verdict = new StringBuilder(dryRun ? "PENDING: " : "INCOMPLETE: ");
        if (!failed.isEmpty()) {
            verdict.append("failed: ").append(String.join(", ", failed)).append("; ");
        }
        if (!behind.isEmpty()) {
            verdict.append("behind version ").append(latestVersion).append(": ").append(String.join(", ", behind))
                    .append("; ");
        }
        verdict.append(dryRun ? "run migrate without --dry-run to apply"
                : "fix the cause (undo any half-applied change of the failed version), then run migrate again");
        return verdict.toString();
    }

    private static String orNone(String version) {
        return version == null ? "none" : version;
    }

    private static String list(List<String> versions) {
        return versions.isEmpty() ? "none" : String.join(",", versions);
    }
}
