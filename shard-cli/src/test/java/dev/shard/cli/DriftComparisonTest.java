package dev.shard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.cli.SchemaSnapshot.Kind;
import dev.shard.cli.SchemaSnapshot.Subject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DriftComparisonTest {

    private static final Subject TABLE = new Subject("t_order", Kind.TABLE, "");
    private static final Subject AMOUNT = new Subject("t_order", Kind.COLUMN, "amount");
    private static final Subject ORDER = new Subject("t_order", Kind.COLUMN_ORDER, "");

    private static Map<Subject, String> facts(String amountType) {
        Map<Subject, String> facts = new TreeMap<>();
        facts.put(TABLE, "engine InnoDB, collation utf8mb4_general_ci");
        if (amountType != null) {
            facts.put(AMOUNT, amountType);
        }
        facts.put(ORDER, amountType == null ? "order_id" : "order_id, amount");
        return facts;
    }

    private static List<String> lines(Map<String, Map<Subject, String>> snapshots, String defaultDataSource) {
        return DriftComparison.compare(snapshots, defaultDataSource).stream().map(Drift::line).toList();
    }

    @Test
    void theOneDataSourceThatDiffersIsReportedWhicheverItIs() {
        for (String altered : List.of("ds0", "ds2", "main")) {
            Map<String, Map<Subject, String>> snapshots = new LinkedHashMap<>();
            for (String name : List.of("ds0", "ds1", "ds2", "main")) {
                snapshots.put(name, facts(name.equals(altered) ? "decimal(12,2) NOT NULL" : "decimal(10,2) NOT NULL"));
            }
            assertThat(lines(snapshots, "main")).containsExactly(altered + " t_order column amount: decimal(12,2) "
                    + "NOT NULL; expected decimal(10,2) NOT NULL (as on "
                    + String.join(", ", snapshots.keySet().stream().filter(n -> !n.equals(altered)).toList()) + ")");
        }
    }

    @Test
    void onATieTheDefaultDataSourceHasTheExpectedValue() {
        Map<String, Map<Subject, String>> snapshots = new LinkedHashMap<>();
        snapshots.put("ds0", facts("int"));
        snapshots.put("main", facts("bigint"));
        assertThat(lines(snapshots, "main")).containsExactly(
                "ds0 t_order column amount: int; expected bigint (as on main)");
    }

    @Test
    void aMissingColumnAndAnExtraColumnAreNamedWithTheColumnOrder() {
        Map<String, Map<Subject, String>> snapshots = new LinkedHashMap<>();
        snapshots.put("ds0", facts("int"));
        snapshots.put("ds1", facts(null));
        snapshots.put("ds2", facts("int"));
        assertThat(lines(snapshots, "ds0")).containsExactly(
                "ds1 t_order column order: order_id; expected order_id, amount (as on ds0, ds2)",
                "ds1 t_order column amount: missing; expected int (as on ds0, ds2)");
        snapshots.put("ds0", facts(null));
        assertThat(lines(snapshots, "ds0")).containsExactly(
                "ds2 t_order column order: order_id, amount; expected order_id (as on ds0, ds1)",
                "ds2 t_order column amount: int; not on ds0, ds1");
    }

    @Test
    void aMissingTableIsOneLineNotOnePerColumn() {
        Map<String, Map<Subject, String>> snapshots = new LinkedHashMap<>();
        snapshots.put("ds0", facts("int"));
        snapshots.put("ds1", new TreeMap<>());
        snapshots.put("ds2", facts("int"));
        assertThat(lines(snapshots, "ds0")).containsExactly("ds1 t_order table: missing; expected engine InnoDB, "
                + "collation utf8mb4_general_ci (as on ds0, ds2)");
    }
}
