package dev.shard.cli;

import java.util.List;

/**
 * The outcome of {@link SchemaDiff#compare}: the differences, one per data source and subject.
 *
 * @param dataSources every data source compared, in the configuration's order
 * @param tables      the sharded and broadcast tables compared
 * @param absent      configured tables that exist on no data source (not drift: nothing disagrees)
 */
public record DriftReport(List<String> dataSources, List<String> tables, List<String> absent, List<Drift> drifts) {

    public DriftReport {
        dataSources = List.copyOf(dataSources);
        tables = List.copyOf(tables);
        absent = List.copyOf(absent);
        drifts = List.copyOf(drifts);
    }

    public boolean hasDrift() {
        return !drifts.isEmpty();
    }

    /** As the command line prints it: one line per difference, then a verdict. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Drift drift : drifts) {
            out.append(drift.line()).append(System.lineSeparator());
        }
        if (!absent.isEmpty()) {
            out.append("note: configured but on no data source: ").append(String.join(", ", absent))
                    .append(System.lineSeparator());
        }
        String scope = dataSources.size() + " data sources, " + tables.size() + " tables (" + String.join(", ", tables)
                + ")";
        out.append(hasDrift() ? "DRIFT: " + drifts.size() + (drifts.size() == 1 ? " difference" : " differences")
                + " across " + scope : "OK: no drift across " + scope).append(System.lineSeparator());
        return out.toString();
    }
}
