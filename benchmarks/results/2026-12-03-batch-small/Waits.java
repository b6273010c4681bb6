import java.nio.file.Path;
import java.time.Instant;
import java.util.*;
import jdk.jfr.consumer.*;

/** java Waits.java FILE [SKIP_SECONDS_AFTER_FIRST_BENCH_EVENT]
 * Wall-time accounting of the benchmark thread (stacks with Workloads.batchInsert) and Shard's scatter threads:
 * SocketRead time, ThreadPark time (count), ExecutionSample count, grouped by a short "where" key. */
public class Waits {
    static String where(List<RecordedFrame> frames) {
        // innermost shard/bench frame
        for (RecordedFrame f : frames) {
            String c = f.getMethod().getType().getName();
            if (c.startsWith("dev.shard.") || c.startsWith("com.zaxxer")) {
                return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            }
        }
        return frames.isEmpty() ? "?" : frames.get(0).getMethod().getType().getName() + "." + frames.get(0).getMethod().getName();
    }
    static boolean has(List<RecordedFrame> frames, String s) {
        for (RecordedFrame f : frames) if ((f.getMethod().getType().getName() + "." + f.getMethod().getName()).contains(s)) return true;
        return false;
    }
    public static void main(String[] a) throws Exception {
        Map<String, long[]> acc = new TreeMap<>(); // key -> {count, nanos}
        long ops = 0; Instant first = null, last = null;
        List<RecordedEvent> evs = new ArrayList<>();
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String t = e.getEventType().getName();
                if (!(t.equals("jdk.SocketRead") || t.equals("jdk.ThreadPark") || t.equals("jdk.ExecutionSample") || t.equals("jdk.SocketWrite"))) continue;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                RecordedThread th = e.getThread(t.equals("jdk.ExecutionSample") ? "sampledThread" : "eventThread");
                String tn = th == null ? "?" : th.getJavaName();
                List<RecordedFrame> fr = st.getFrames();
                boolean bench = has(fr, "Workloads.batchInsert");
                boolean worker = tn.startsWith("shard-scatter");
                if (!bench && !worker) continue;
                if (bench && (first == null || e.getStartTime().isBefore(first))) first = e.getStartTime();
                evs.add(e);
            }
        }
        long skip = a.length > 1 ? Long.parseLong(a[1]) : 0;
        Instant from = first.plusSeconds(skip);
        Instant lo = null, hi = null;
        for (RecordedEvent e : evs) {
            if (e.getStartTime().isBefore(from)) continue;
            String t = e.getEventType().getName();
            RecordedThread th = e.getThread(t.equals("jdk.ExecutionSample") ? "sampledThread" : "eventThread");
            String tn = th.getJavaName().startsWith("shard-scatter") ? "worker" : "bench";
            List<RecordedFrame> fr = e.getStackTrace().getFrames();
            String kind = t.substring(4);
            String key = tn + " " + kind + " " + where(fr);
            long[] v = acc.computeIfAbsent(key, k -> new long[2]);
            v[0]++; v[1] += e.getDuration().toNanos();
            long[] tot = acc.computeIfAbsent(tn + " " + kind + " TOTAL", k -> new long[2]);
            tot[0]++; tot[1] += e.getDuration().toNanos();
            if (tn.equals("bench") && kind.equals("SocketWrite") && has(fr, "executeBatch")) { long[] x = acc.computeIfAbsent("bench batch-writes", k-> new long[2]); x[0]++; }
            if (lo == null || e.getStartTime().isBefore(lo)) lo = e.getStartTime();
            if (hi == null || e.getEndTime().isAfter(hi)) hi = e.getEndTime();
        }
        double secs = java.time.Duration.between(lo, hi).toNanos() / 1e9;
        System.out.printf("window %.1f s%n", secs);
        for (var en : acc.entrySet()) {
            if (en.getValue()[0] < 20 && !en.getKey().contains("TOTAL")) continue;
            System.out.printf("%-90s n=%7d  ms=%9.1f  ms/s=%6.1f%n", en.getKey(), en.getValue()[0], en.getValue()[1] / 1e6, en.getValue()[1] / 1e6 / secs);
        }
    }
}
