package dev.shard.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CPU time used so far, read together so that the difference of two readings says who used the machine in
 * between: the whole machine (Linux {@code /proc/stat}, all cores), the database server process, this JVM (the
 * application threads, the tool's threads and the binlog followers) and the thread that runs the reshard (its
 * copy, verify and cleanup). Fields a platform cannot read stay -1.
 *
 * @param machineBusy  jiffies the machine's cores spent on anything but idle and I/O wait
 * @param machineTotal jiffies of all cores
 */
record CpuTimes(long nanos, long machineBusy, long machineTotal, long serverNanos, long jvmNanos, long toolNanos) {

    static CpuTimes now(ProcessHandle server, long toolThreadId) {
        long busy = -1;
        long total = -1;
        try {
            List<String> stat = Files.readAllLines(Path.of("/proc/stat"));
            // cpu  user nice system idle iowait irq softirq steal ...
            String[] fields = stat.get(0).trim().split("\\s+");
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            busy = total - idle;
        } catch (IOException | RuntimeException e) {
            // not Linux: machine figures stay unknown
        }
        long serverNanos = server == null ? -1
                : server.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        long jvmNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long toolNanos = ManagementFactory.getThreadMXBean().getThreadCpuTime(toolThreadId);
        return new CpuTimes(System.nanoTime(), busy, total, serverNanos, jvmNanos, toolNanos);
    }

    /** Cores used between this reading and {@code later}: machine, server, JVM, tool thread, the rest. */
    String coresUntil(CpuTimes later) {
        double wall = Math.max(1, later.nanos - nanos);
        int cores = Runtime.getRuntime().availableProcessors();
        double machine = machineTotal < 0 || later.machineTotal <= machineTotal ? Double.NaN
                : (double) (later.machineBusy - machineBusy) / (later.machineTotal - machineTotal) * cores;
        double server = serverNanos < 0 || later.serverNanos < 0 ? Double.NaN
                : (later.serverNanos - serverNanos) / wall;
        double jvm = (later.jvmNanos - jvmNanos) / wall;
        return String.format("machine %s, server %s, JVM %s (tool thread %s), other processes %s", format(machine),
                format(server), format(jvm), format((later.toolNanos - toolNanos) / wall),
                format(machine - server - jvm));
    }

    private static String format(double cores) {
        return Double.isNaN(cores) ? "?" : String.format("%.2f", cores);
    }
}
