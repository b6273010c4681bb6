package dev.shard.cli;

import dev.shard.cli.SchemaSnapshot.Kind;
import dev.shard.cli.SchemaSnapshot.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares the data sources' snapshots subject by subject. What is expected is what most data sources have (on a
 * tie, what the default data source has), so a column altered by hand on one shard is reported on that shard alone,
 * whichever shard it is. A data source that lacks a whole table (or alone has it) gets one line for the table, not
 * one per column and index.
 */
final class DriftComparison {

    private DriftComparison() {
    }

    /**
     * @param snapshots         each data source's facts, in the configuration's order
     * @param defaultDataSource breaks ties
     */
    static List<Drift> compare(Map<String, Map<Subject, String>> snapshots, String defaultDataSource) {
        TreeSet<Subject> subjects = new TreeSet<>();
        snapshots.values().forEach(facts -> subjects.addAll(facts.keySet()));
        List<Drift> drifts = new ArrayList<>();
        for (Subject subject : subjects) {
            Map<String, String> values = new LinkedHashMap<>();
            snapshots.forEach((name, facts) -> values.put(name, facts.get(subject)));
            Map<String, List<String>> groups = groups(values);
            if (groups.size() == 1) {
                continue;
            }
            String expected = expected(groups, defaultDataSource);
            Subject table = new Subject(subject.table(), Kind.TABLE, "");
            for (Map.Entry<String, String> entry : values.entrySet()) {
                String name = entry.getKey();
                if (Objects.equals(entry.getValue(), expected)
                        || subject.kind() != Kind.TABLE && tablePresenceDiffers(snapshots, table, name, defaultDataSource)) {
                    continue;
                }
                drifts.add(new Drift(name, subject.table(), subject.label(), entry.getValue(), expected,
                        groups.get(expected)));
            }
        }
        return drifts;
    }

    /** Data sources by the value they hold (null: the subject is missing there), in the configuration's order. */
    private static Map<String, List<String>> groups(Map<String, String> values) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        values.forEach((name, value) -> groups.computeIfAbsent(value, v -> new ArrayList<>()).add(name));
        return groups;
    }

    private static String expected(Map<String, List<String>> groups, String defaultDataSource) {
        String expected = null;
        int most = -1;
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            int size = group.getValue().size();
            boolean tieWonByDefault = size == most && group.getValue().contains(defaultDataSource);
            if (size > most || tieWonByDefault) {
                expected = group.getKey();
                most = size;
            }
        }
        return expected;
    }

    private static boolean tablePresenceDiffers(Map<String, Map<Subject, String>> snapshots, Subject table,
                                                String name, String defaultDataSource) {
        Map<String, String> values = new LinkedHashMap<>();
        snapshots.forEach((source, facts) -> values.put(source, facts.get(table)));
        String expected = expected(groups(values), defaultDataSource);
        return (values.get(name) == null) != (expected == null);
    }
}
