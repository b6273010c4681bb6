package dev.shard.jdbc.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;

/**
 * Waits, within a generous bound, until something that hands out connections gives one that answers a query: a
 * server that was started or restarted, or a pool whose server came back.
 *
 * <p>A pool's own {@code connectionTimeout} is no such wait. While its server is down, HikariCP keeps retrying it
 * with a backoff that grows to 5 s between attempts; once the server is back, the next attempt may be seconds
 * away, so a statement run straight after a restart fails if the pool's timeout is short, as it must be for the
 * statements that are meant to fail fast while the server is down.
 */
public final class Readiness {

    /** How long a server or pool may take to become usable: seconds normally, far more than that on a busy machine. */
    public static final Duration BOUND = Duration.ofSeconds(60);
    /** Between attempts that fail at once (refused); a pool's failed attempt already took its connectionTimeout. */
    private static final long POLL_INTERVAL_MILLIS = 50;

    /** Opens a connection; the caller closes it. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private Readiness() {
    }

    /**
     * Returns once {@code dataSource} hands out a connection that answers {@code SELECT 1}; fails the test, naming
     * {@code what} and the last error, if it does not within {@link #BOUND}.
     */
    public static void awaitConnection(DataSource dataSource, String what) {
        awaitConnection(dataSource::getConnection, what);
    }

    /** As {@link #awaitConnection(DataSource, String)}, for connections opened (and checked first) by {@code source}. */
    public static void awaitConnection(ConnectionSource source, String what) {
        long started = System.nanoTime();
        long deadline = started + BOUND.toNanos();
        String problem;
        while ((problem = problemOf(source)) != null) {
            if (System.nanoTime() - deadline >= 0) {
                Assertions.fail(what + " gave no connection that answers a query within " + BOUND.toSeconds()
                        + " s; last problem: " + problem);
            }
            pause();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (millis >= 1000) {
            System.out.printf("%s answered after %d ms%n", what, millis);
        }
    }

    /** Null when a connection from {@code source} answers {@code SELECT 1}; else what went wrong. */
    public static String problemOf(ConnectionSource source) {
        try (Connection connection = source.open();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT 1")) {
            return result.next() && result.getInt(1) == 1 ? null : "SELECT 1 did not return 1";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /**
     * Returns the first value of {@code probe} that {@code done} accepts, polling; fails the test, naming {@code what}
     * and the last value, if none does within {@link #BOUND}.
     */
    public static <T> T await(java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done,
                              String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        T value;
        while (!done.test(value = probe.get())) {
            if (System.nanoTime() - deadline >= 0) {
                Assertions.fail(what + " did not happen within " + BOUND.toSeconds() + " s; last seen: " + value);
            }
            pause();
        }
        return value;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MILLIS); // the poll interval of a readiness check, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Assertions.fail("Interrupted while waiting for a connection", e);
        }
    }
}
