package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.merge.Slot;
import dev.shard.core.internal.sql.MergeSpec.WeightColumn;
import org.junit.jupiter.api.Test;

/** The shard query returns the database's sort key beside each string the merge orders, groups or picks by. */
class KeyWeightsTest {

    private final JSqlParserAnalyzer weighing = new JSqlParserAnalyzer(new MySqlDialect(true), 2000);
    private final JSqlParserAnalyzer h2 = new JSqlParserAnalyzer(new MySqlDialect(), 2000);

    private ScatterSelect scatter(JSqlParserAnalyzer analyzer, String sql) throws Exception {
        return analyzer.analyze(sql).scatter();
    }

    @Test
    void orderKeysGainAHiddenWeightColumn() throws Exception {
        ScatterSelect select = scatter(weighing, "SELECT name, id FROM t_user ORDER BY name DESC, id");
        assertThat(select.shardSql()).isEqualTo("SELECT name, id, WEIGHT_STRING(name) AS __shard_w0,"
                + " WEIGHT_STRING(id) AS __shard_w1 FROM t_user ORDER BY name DESC, id");
        assertThat(select.merge().derivedColumns()).isEqualTo(2);
        assertThat(select.merge().weights()).containsExactly(
                new WeightColumn(Slot.user(0), Slot.derivedColumn(0)),
                new WeightColumn(Slot.user(1), Slot.derivedColumn(1)));
    }

    @Test
    void derivedKeysMinMaxAndDistinctArgumentsAreWeighedButNotCountsOrSums() throws Exception {
        ScatterSelect grouped = scatter(weighing,
                "SELECT COUNT(*), MIN(name), SUM(amount) FROM t_user GROUP BY city ORDER BY COUNT(*) DESC");
        assertThat(grouped.shardSql()).isEqualTo("SELECT COUNT(*), MIN(name), SUM(amount), city AS __shard_0,"
                + " WEIGHT_STRING(city) AS __shard_w0, WEIGHT_STRING(MIN(name)) AS __shard_w1 FROM t_user"
                + " GROUP BY city ORDER BY 4");
        assertThat(grouped.merge().weights()).containsExactly(
                new WeightColumn(Slot.derivedColumn(0), Slot.derivedColumn(1)),
                new WeightColumn(Slot.user(1), Slot.derivedColumn(2)));

        ScatterSelect distinct = scatter(weighing, "SELECT COUNT(DISTINCT name) FROM t_user");
        assertThat(distinct.shardSql()).isEqualTo("SELECT name, WEIGHT_STRING(name) AS __shard_w0 FROM t_user"
                + " GROUP BY name ORDER BY 1");
    }

    @Test
    void aKeyWithAParameterBindsItInTheWeightToo() throws Exception {
        ScatterSelect select = scatter(weighing, "SELECT id FROM t_user WHERE id IN (?, ?) ORDER BY CONCAT(name, ?)");
        assertThat(select.shardSql()).isEqualTo("SELECT id, CONCAT(name, ?) AS __shard_0,"
                + " WEIGHT_STRING(CONCAT(name, ?)) AS __shard_w0 FROM t_user WHERE id IN (?, ?) ORDER BY CONCAT(name, ?)");
        assertThat(select.shardParams()).containsExactly(new ScatterSelect.ShardParam.FromTemplate(2),
                new ScatterSelect.ShardParam.FromTemplate(2), new ScatterSelect.ShardParam.FromTemplate(0),
                new ScatterSelect.ShardParam.FromTemplate(1), new ScatterSelect.ShardParam.FromTemplate(2));
    }

    @Test
    void selectStarWeighsOnlyTheColumnsItAppends() throws Exception {
        ScatterSelect select = scatter(weighing, "SELECT * FROM t_user ORDER BY name");
        assertThat(select.shardSql()).isEqualTo("SELECT *, name AS __shard_0, WEIGHT_STRING(name) AS __shard_w0"
                + " FROM t_user ORDER BY name");
    }

    @Test
    void distinctRowsGoWithoutAShardLimit() throws Exception {
        assertThat(scatter(weighing, "SELECT DISTINCT name FROM t_user ORDER BY name LIMIT 5").shardSql())
                .isEqualTo("SELECT DISTINCT name, WEIGHT_STRING(name) AS __shard_w0 FROM t_user ORDER BY 1");
        assertThat(scatter(h2, "SELECT DISTINCT name FROM t_user ORDER BY name LIMIT 5").shardSql())
                .isEqualTo("SELECT DISTINCT name FROM t_user ORDER BY 1 LIMIT 5");
    }

    @Test
    void withoutWeightStringsTheShardQueryIsUnchanged() throws Exception {
        ScatterSelect select = scatter(h2, "SELECT name FROM t_user ORDER BY name");
        assertThat(select.shardSql()).isEqualTo("SELECT name FROM t_user ORDER BY name");
        assertThat(select.merge().weights()).isEmpty();
    }
}
