package dev.shard.core.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.NormalizedSql;
import dev.shard.core.internal.merge.ColumnInfo;
import dev.shard.core.internal.sql.JSqlParserAnalyzer;
import dev.shard.core.internal.sql.ScatterSelect;
import dev.shard.core.internal.sql.StatementShape;
import dev.shard.core.internal.sql.ValueRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * routing/rewrite-golden.txt: for each scatter SELECT, the SQL every shard receives, where its parameters come
 * from, and the merge plan. Blocks start with "SQL:"; set UPDATE_GOLDEN=1 to print the actual blocks.
 */
class GoldenRewriteTest {

    private static final Dialect MYSQL = new MySqlDialect();

    @Test
    void rewritesAsTheFileSays() throws Exception {
        String file = read();
        List<String> expectedBlocks = blocks(file);
        JSqlParserAnalyzer analyzer = new JSqlParserAnalyzer(MYSQL, 2000);
        List<String> actualBlocks = new ArrayList<>();
        for (String block : expectedBlocks) {
            String sql = block.lines().filter(l -> l.startsWith("SQL: ")).findFirst().orElseThrow().substring(5);
            actualBlocks.add(render(sql, analyzer));
        }
        if (System.getenv("UPDATE_GOLDEN") != null) {
            System.out.println(String.join("\n", actualBlocks));
        }
        assertThat(expectedBlocks).hasSizeGreaterThan(10);
        for (int i = 0; i < expectedBlocks.size(); i++) {
            assertThat(actualBlocks.get(i)).isEqualTo(expectedBlocks.get(i));
        }
    }

    static String render(String sql, JSqlParserAnalyzer analyzer) throws Exception {
        NormalizedSql normalized = MYSQL.normalize(sql);
        StatementShape shape = analyzer.analyze(normalized.template());
        StringBuilder out = new StringBuilder("SQL: ").append(sql).append('\n');
        ScatterSelect scatter = shape.scatter();
        if (scatter == null) {
            return out.append("REFUSED: ").append(shape.scatterRefusal()).append('\n').toString();
        }
        out.append("SHARD: ").append(scatter.shardSql()).append('\n');
        out.append("PARAMS: ").append(scatter.shardParams().stream().map(GoldenRewriteTest::param)
                .collect(Collectors.joining(", "))).append('\n');
        // SELECT * in the file reads t_order, whose five columns the shards would return.
        int user = scatter.merge().userColumns() >= 0 ? scatter.merge().userColumns() : 5;
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < user + scatter.merge().derivedColumns(); i++) {
            columns.add(new ColumnInfo("", MYSQL.comparator(false)));
        }
        // Bind every parameter to 5, so that LIMIT values and HAVING literals print.
        String plan = MergePlanner.plan(scatter.merge(), columns, index -> 5L, 0).describe(4);
        out.append("MERGE:\n").append(plan);
        return out.toString();
    }

    private static String param(ScatterSelect.ShardParam param) {
        if (param instanceof ScatterSelect.ShardParam.FromTemplate t) {
            return "t" + t.index();
        }
        ScatterSelect.ShardParam.LimitSum sum = (ScatterSelect.ShardParam.LimitSum) param;
        return "offset+count(" + ref(sum.offset()) + "+" + ref(sum.count()) + ")";
    }

    private static String ref(ValueRef ref) {
        return ref == null ? "0" : ref instanceof ValueRef.Param p ? "t" + p.index()
                : String.valueOf(((ValueRef.Constant) ref).value());
    }

    private static String read() throws IOException {
        try (InputStream in = GoldenRewriteTest.class.getResourceAsStream("/routing/rewrite-golden.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Blocks separated by blank lines; lines starting with '#' are comments. */
    private static List<String> blocks(String file) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : file.split("\n", -1)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isBlank()) {
                if (current.length() > 0) {
                    blocks.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(line).append('\n');
            }
        }
        if (current.length() > 0) {
            blocks.add(current.toString());
        }
        return blocks;
    }
}
