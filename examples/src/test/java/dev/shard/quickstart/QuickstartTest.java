package dev.shard.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's quickstart true: it applies the example migrations to every shard, spreads all orders over the
 * four shards and routes look-ups.
 */
class QuickstartTest {

    @Test
    void quickstartRunsAndAccountsForEveryOrder() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Quickstart.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String output = buffer.toString(StandardCharsets.UTF_8);

        // Every shard got V1..V3 of examples/db/migration in this run.
        Matcher migrated = Pattern.compile("(ds\\d)\\s+version 3\\s+applied: 1,2,3\\s+pending: none\\s+failed: none")
                .matcher(output);
        int migratedShards = 0;
        while (migrated.find()) {
            migratedShards++;
        }
        assertThat(migratedShards).isEqualTo(4);
        assertThat(output).contains("OK: every data source is at version 3");

        Matcher perShard = Pattern.compile("(ds\\d)\\s+(\\d+) orders\\s+(\\d+) users").matcher(output);
        int total = 0;
        int users = 0;
        int shards = 0;
        while (perShard.find()) {
            int orders = Integer.parseInt(perShard.group(2));
            assertThat(orders).as("orders on %s", perShard.group(1)).isGreaterThan(Quickstart.ORDERS / 8);
            total += orders;
            users += Integer.parseInt(perShard.group(3));
            shards++;
        }
        assertThat(shards).isEqualTo(4);
        assertThat(total).isEqualTo(Quickstart.ORDERS);
        assertThat(users).isEqualTo(Quickstart.USERS);
        assertThat(output).contains("user   42 -> ds").contains("SINGLE_SHARD").contains("ANY_SHARD")
                .contains("4 regions").contains("Route: SCATTER").contains("GroupAggregate");
        // The merged GROUP BY accounts for every order exactly once.
        Matcher groups = Pattern.compile("(paid|new)\\s+(\\d+) orders, total").matcher(output);
        int grouped = 0;
        while (groups.find()) {
            grouped += Integer.parseInt(groups.group(2));
        }
        assertThat(grouped).isEqualTo(Quickstart.ORDERS);
        assertThat(output).contains("SPLIT_INSERT").contains("inserted 3 rows");
        // Each shard of the IN list shows only the users it gets, all three users once in all.
        Matcher binds = Pattern.compile("ds\\d binds \\[([^\\]]*)]").matcher(output);
        List<String> inList = new ArrayList<>();
        while (binds.find()) {
            inList.addAll(List.of(binds.group(1).split(", ")));
        }
        assertThat(inList).containsExactlyInAnyOrder("7", "42", "1234");
        // Rolled back on both shards, then committed on both.
        Matcher before = Pattern.compile("now have (\\d+) orders").matcher(output);
        assertThat(before.find()).isTrue();
        long base = Long.parseLong(before.group(1));
        assertThat(output).contains("in a transaction on two shards: " + (base + 2) + " orders")
                .contains("after rollback on both shards: " + base + " orders")
                .contains("after the same two inserts and commit: " + (base + 2) + " orders");
    }
}
