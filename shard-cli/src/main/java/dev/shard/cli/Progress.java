package dev.shard.cli;

import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Where one data source stands, read from Flyway's info.
 *
 * @param current         the highest version applied successfully, or null
 * @param pendingVersions the versioned migrations not applied yet, in order, a failed one first
 * @param pending         every pending migration as the report names it: versions, and {@code R:<description>} for
 *                        repeatable ones
 * @param failedVersion   the version whose record in the history says it failed, or null
 */
record Progress(String current, List<MigrationVersion> pendingVersions, List<String> pending, String failedVersion) {

    static Progress of(MigrationInfoService info) {
        MigrationVersion current = null;
        MigrationVersion failed = null;
        for (MigrationInfo migration : info.applied()) {
            if (migration.getVersion() == null) {
                continue;
            }
            if (migration.getState().isFailed()) {
                failed = migration.getVersion();
            } else if (current == null || migration.getVersion().compareTo(current) > 0) {
                current = migration.getVersion();
            }
        }
        List<MigrationVersion> pendingVersions = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        if (failed != null) {
            // Still to apply: the next migrate retries it.
            pendingVersions.add(failed);
            pending.add(failed.getVersion());
        }
        for (MigrationInfo migration : info.pending()) {
            if (migration.getVersion() != null) {
                pendingVersions.add(migration.getVersion());
                pending.add(migration.getVersion().getVersion());
            } else {
                pending.add("R:" + migration.getDescription());
            }
        }
        return new Progress(current == null ? null : current.getVersion(), List.copyOf(pendingVersions),
                List.copyOf(pending), failed == null ? null : failed.getVersion());
    }
}
