package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.Dialect;
import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.NormalizedSql;

public class RewriteProbe {

    private static final Dialect MYSQL = new MySqlDialect();
    public static void main(String[] args) throws Exception {
        JSqlParserAnalyzer a = new JSqlParserAnalyzer(MYSQL, 2000);
        String[] qs = {
            "SELECT * FROM t_order WHERE status = ?",
            "SELECT order_id, amount FROM t_order WHERE status = ? ORDER BY amount DESC, order_id LIMIT 10 OFFSET 20",
            "SELECT order_id FROM t_order ORDER BY created_at LIMIT ?, ?",
            "SELECT * FROM t_order ORDER BY amount LIMIT ?",
            "SELECT COUNT(*), SUM(amount), AVG(amount), MIN(status), MAX(amount) FROM t_order WHERE status = ?",
            "SELECT status, COUNT(*) AS c FROM t_order GROUP BY status HAVING COUNT(*) > ? ORDER BY c DESC LIMIT 3",
            "SELECT status, AVG(amount) FROM t_order GROUP BY 1",
            "SELECT COUNT(DISTINCT user_id), SUM(amount) FROM t_order",
            "SELECT status, COUNT(DISTINCT user_id) FROM t_order GROUP BY status",
            "SELECT DISTINCT status FROM t_order ORDER BY status DESC",
            "SELECT YEAR(created_at), SUM(amount) FROM t_order GROUP BY YEAR(created_at) HAVING SUM(amount) BETWEEN ? AND ? AND MAX(amount) > 5",
            "SELECT o.status FROM t_order o GROUP BY o.status HAVING AVG(o.amount) > 10",
            "SELECT SUM(amount) / COUNT(*) FROM t_order",
            "SELECT order_id, ROW_NUMBER() OVER (ORDER BY amount) FROM t_order",
            "SELECT order_id FROM t_order WHERE user_id IN (?, ?, ?) ORDER BY ABS(amount - ?)",
        };
        for (String q : qs) {
            NormalizedSql n = MYSQL.normalize(q);
            StatementShape s = a.analyze(n.template());
            System.out.println(q);
            if (s.scatter() != null) {
                System.out.println("  -> " + s.scatter().shardSql());
                System.out.println("     params " + s.scatter().shardParams());
                System.out.println("     " + s.scatter().merge());
            } else {
                System.out.println("  REFUSED " + s.scatterRefusal());
            }
        }
    }
}
