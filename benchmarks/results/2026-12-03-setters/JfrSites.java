import java.nio.file.Path;
import java.util.*;
import jdk.jfr.consumer.*;

/**
 * java JfrSites.java FILE alloc|cpu MUST_CONTAIN_FRAME [TOP]
 * alloc: jdk.ObjectAllocationSample weighted by weight, grouped by first frame outside JDK and drivers.
 * cpu: jdk.ExecutionSample counted, grouped by first frame outside the JDK.
 * Only samples whose stack contains a frame whose "class.method" contains MUST_CONTAIN_FRAME.
 */
public class JfrSites {
    static boolean jdk(String c) {
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")
                || c.startsWith("javax.");
    }

    static boolean driver(String c) {
        return c.startsWith("org.mariadb.") || c.startsWith("com.mysql.") || c.startsWith("org.h2.");
    }

    static String category(String c) {
        if (c.startsWith("dev.shard.bench")) return "benchmark";
        if (c.startsWith("dev.shard.")) return "shard";
        if (c.startsWith("com.zaxxer")) return "hikari";
        if (c.startsWith("net.sf.jsqlparser")) return "jsqlparser";
        if (driver(c)) return "driver";
        if (jdk(c)) return "jdk";
        return "other:" + c;
    }

    public static void main(String[] args) throws Exception {
        boolean tlab = args[1].equals("tlab");
        boolean alloc = args[1].equals("alloc") || tlab;
        String must = args[2];
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        Map<String, Long> categories = new TreeMap<>();
        Map<String, Long> sites = new HashMap<>();
        Map<String, Long> shardInclusive = new HashMap<>();
        long total = 0;
        long events = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                boolean wanted = tlab ? type.equals("jdk.ObjectAllocationInNewTLAB")
                        || type.equals("jdk.ObjectAllocationOutsideTLAB")
                        : alloc ? type.equals("jdk.ObjectAllocationSample") : type.equals("jdk.ExecutionSample");
                if (!wanted) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                List<RecordedFrame> frames = st.getFrames();
                boolean ok = false;
                if (must.startsWith("thread:")) {
                    RecordedThread th = e.getThread(alloc ? "eventThread" : "sampledThread");
                    ok = th != null && must.substring(7).equals(th.getJavaName());
                }
                for (RecordedFrame f : frames) {
                    if ((f.getMethod().getType().getName() + "." + f.getMethod().getName()).contains(must)) {
                        ok = true;
                        break;
                    }
                }
                if (!ok) continue;
                long w = !alloc ? 1 : !tlab ? e.getLong("weight")
                        : type.equals("jdk.ObjectAllocationInNewTLAB") ? e.getLong("tlabSize") : e.getLong("allocationSize");
                total += w;
                events++;
                String site = null;
                String cat = "jdk";
                for (int i = 0; i < frames.size(); i++) {
                    RecordedFrame f = frames.get(i);
                    String c = f.getMethod().getType().getName();
                    if (jdk(c) || (alloc && driver(c))) continue;
                    cat = category(c);
                    String caller = i + 1 < frames.size() ? shortName(frames.get(i + 1)) : "";
                    site = shortName(f) + " <- " + caller;
                    if (alloc) {
                        site = e.getClass("objectClass").getName() + " @ " + site;
                    }
                    break;
                }
                categories.merge(cat, w, Long::sum);
                if (cat.equals("shard")) {
                    sites.merge(site, w, Long::sum);
                }
                // inclusive: each Shard method on the stack once
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String c = f.getMethod().getType().getName();
                    if (c.startsWith("dev.shard.") && !c.startsWith("dev.shard.bench")) {
                        String m = c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
                        if (seen.add(m)) shardInclusive.merge(m, w, Long::sum);
                    }
                }
            }
        }
        System.out.printf("%s events=%d total=%d (filter %s)%n", alloc ? "alloc" : "cpu", events, total, must);
        for (var en : categories.entrySet()) {
            System.out.printf("  %-30s %6.2f %%%n", en.getKey(), 100.0 * en.getValue() / total);
        }
        System.out.println("Shard sites (first frame outside JDK" + (alloc ? " and driver" : "") + "):");
        final long t = total;
        sites.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("  %6.2f %%  %s%n", 100.0 * en.getValue() / t, en.getKey()));
        System.out.println("Shard methods, inclusive:");
        shardInclusive.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("  %6.2f %%  %s%n", 100.0 * en.getValue() / t, en.getKey()));
    }

    static String shortName(RecordedFrame f) {
        String c = f.getMethod().getType().getName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }
}
