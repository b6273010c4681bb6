import java.sql.*;
import java.util.*;
import java.util.concurrent.*;

/** java -cp benchmarks.jar Experiment.java MODE OPS : direct | par | seq ; prints ms/op and server counters per op. */
public class Experiment {
    static final String URL = "jdbc:mysql://127.0.0.1:" + System.getProperty("port", "3306") + "/%s?useSSL=false&rewriteBatchedStatements=true&cachePrepStmts=true&useServerPrepStmts=false";
    public static void main(String[] a) throws Exception {
        String mode = a[0]; int ops = Integer.parseInt(a[1]);
        int dbs = mode.equals("direct") || mode.equals("onesession") ? 1 : 4;
        try (Connection admin = DriverManager.getConnection(String.format(URL, ""), "root", "")) {
            for (int i = 0; i < 4; i++) try (Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS bsx_" + i); s.execute("CREATE DATABASE bsx_" + i);
                s.execute("CREATE TABLE bsx_" + i + ".t (order_id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT NOT NULL, status VARCHAR(16) NOT NULL)");
            }
            Connection[] cs = new Connection[dbs];
            for (int i = 0; i < dbs; i++) cs[i] = DriverManager.getConnection(String.format(URL, "bsx_" + i), "root", "");
            ExecutorService pool = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });
            long[] id = {0};
            Runnable op = () -> {};
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? ops / 4 : ops;
                long[] before = counters(admin); long cpu0 = cpu(); long srv0 = serverCpu();
                long start = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    if (mode.equals("onesession")) {
                        Connection c = cs[0];
                        try (Statement st = c.createStatement()) { st.execute("START TRANSACTION"); }
                        for (int i = 0; i < 4; i++) {
                            long first = id[0]; id[0] += 32;
                            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bsx_" + i + ".t (order_id, user_id, amount, status) VALUES (?, ?, ?, ?)")) {
                                for (long r = first; r < first + 32; r++) { ps.setLong(1, r); ps.setLong(2, r % 1000); ps.setLong(3, r); ps.setString(4, "NEW"); ps.addBatch(); }
                                ps.executeBatch();
                            }
                        }
                        try (Statement st = c.createStatement()) { st.execute("COMMIT"); }
                        continue;
                    }
                    List<Future<?>> fs = new ArrayList<>();
                    for (int i = 0; i < dbs; i++) {
                        Connection c = cs[i]; long first = id[0]; id[0] += 128 / dbs;
                        Callable<Void> task = () -> {
                            if (mode.equals("partx")) try (Statement st = c.createStatement()) { st.execute("START TRANSACTION"); }
                            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (order_id, user_id, amount, status) VALUES (?, ?, ?, ?)")) {
                                for (long r = first; r < first + 128 / dbs; r++) { ps.setLong(1, r); ps.setLong(2, r % 1000); ps.setLong(3, r); ps.setString(4, "NEW"); ps.addBatch(); }
                                ps.executeBatch();
                            }
                            return null;
                        };
                        if ((mode.equals("par") || mode.equals("partx")) && i < dbs - 1) fs.add(pool.submit(task)); else task.call();
                    }
                    for (Future<?> f : fs) f.get();
                    if (mode.equals("partx")) {
                        List<Future<?>> cs2 = new ArrayList<>();
                        for (int i = 0; i < dbs; i++) { Connection c = cs[i];
                            Callable<Void> commit = () -> { try (Statement st = c.createStatement()) { st.execute("COMMIT"); } return null; };
                            if (i < dbs - 1) cs2.add(pool.submit(commit)); else commit.call(); }
                        for (Future<?> f : cs2) f.get();
                    }
                }
                long el = System.nanoTime() - start;
                long[] after = counters(admin); long cpu1 = cpu(); long srv1 = serverCpu();
                if (round == 1) System.out.printf("%s: client cpu %.3f ms/op, server cpu %.3f ms/op, %.3f ms/op, fsyncs/op %.2f, log writes/op %.2f, Com_insert/op %.2f%n", mode, (cpu1 - cpu0) / 1e6 / n, (srv1 - srv0) * 10.0 / n, el / 1e6 / n,
                    (after[0] - before[0]) / (double) n, (after[1] - before[1]) / (double) n, (after[2] - before[2]) / (double) n);
            }
            for (int i = 0; i < 4; i++) try (Statement s = admin.createStatement()) { s.execute("DROP DATABASE bsx_" + i); }
        }
    }
    static long cpu() { return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime(); }
    static long serverCpu() throws Exception { String pid = System.getProperty("serverPid"); if (pid == null) return 0; String[] f = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/stat"))).split("\\) ")[1].split(" "); return Long.parseLong(f[11]) + Long.parseLong(f[12]); }
    static long[] counters(Connection c) throws SQLException {
        Map<String, Long> m = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_data_fsyncs','Innodb_log_writes','Com_insert')")) {
            while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
        }
        return new long[] {m.get("Innodb_data_fsyncs"), m.get("Innodb_log_writes"), m.get("Com_insert")};
    }
}
