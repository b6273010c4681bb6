package dev.shard.cli;

import java.util.List;
import java.util.Objects;

/**
 * One difference: on {@code dataSource}, {@code subject} of {@code table} is {@code found} where the other data
 * sources (the majority; on a tie, the side of the default data source) have {@code expected}.
 *
 * @param subject    {@code table}, {@code column <name>}, {@code index <name>}, {@code column order} or {@code rows}
 * @param found      the description on this data source, or null where the subject is missing here
 * @param expected   the description elsewhere, or null where the subject exists only on the deviating side
 * @param expectedOn the data sources that have {@code expected}
 */
public record Drift(String dataSource, String table, String subject, String found, String expected,
                    List<String> expectedOn) {

    public Drift {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(subject, "subject");
        expectedOn = List.copyOf(expectedOn);
    }

    /** The report line: data source, table, subject, then what differs. */
    public String line() {
        String where = String.join(", ", expectedOn);
        if (found == null) {
            return dataSource + " " + table + " " + subject + ": missing; expected " + expected + " (as on " + where
                    + ")";
        }
        if (expected == null) {
            return dataSource + " " + table + " " + subject + ": " + found + "; not on " + where;
        }
        return dataSource + " " + table + " " + subject + ": " + found + "; expected " + expected + " (as on "
                + where + ")";
    }
}
