package dev.shard.core.internal.keygen;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Version 7 UUIDs (RFC 9562) as 36-character lower-case strings, e.g. {@code 01900000-0000-7abc-8def-0123456789ab}.
 *
 * <pre>
 *  48 bits unix milliseconds | 4 bits version (7) | 12 random bits | 2 bits variant (10) | 62 random bits
 * </pre>
 *
 * <p>Version 7 rather than the fully random version 4: the leading timestamp makes keys made later sort later, as
 * numbers and as strings alike, so InnoDB, which clusters rows by primary key, appends new rows at the end of the
 * index instead of splitting pages all over it. Uniqueness rests on the 74 random bits alone (from
 * {@link SecureRandom}, like {@link UUID#randomUUID()}), so it needs no worker id and survives clocks that move
 * back; such a clock only costs ordering. Keys from the same millisecond are in random order. Like Snowflake ids,
 * the keys reveal when they were made.
 *
 * <p>Thread-safe.
 */
public final class UuidGenerator implements KeyGenerator {

    private static final UuidGenerator SYSTEM = new UuidGenerator(System::currentTimeMillis, new SecureRandom());

    private static final long TIMESTAMP_MASK = (1L << 48) - 1;
    private static final long VERSION_7 = 0x7000L;
    private static final long RAND_A_MASK = 0x0FFFL;
    private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;
    private static final long RAND_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

    private final LongSupplier clock;
    private final Random random;

    /** The generator with the system clock and a {@link SecureRandom}; one suffices for the JVM. */
    public static UuidGenerator system() {
        return SYSTEM;
    }

    /**
     * @param clock  milliseconds since 1970, like {@link System#currentTimeMillis()}
     * @param random must be thread-safe if the generator is shared
     */
    public UuidGenerator(LongSupplier clock, Random random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** {@link #nextUuid()} as a 36-character lower-case string. */
    @Override
    public String next() {
        return nextUuid().toString();
    }

    public UUID nextUuid() {
        // One call for all random bits: a SecureRandom call costs far more than the few bytes it returns.
        byte[] r = new byte[10];
        random.nextBytes(r);
        long randA = ((r[0] & 0xFFL) << 8) | (r[1] & 0xFFL);
        long randB = 0;
        for (int i = 2; i < 10; i++) {
            randB = (randB << 8) | (r[i] & 0xFFL);
        }
        long millis = clock.getAsLong() & TIMESTAMP_MASK;
        long mostSignificant = (millis << 16) | VERSION_7 | (randA & RAND_A_MASK);
        long leastSignificant = VARIANT_RFC | (randB & RAND_B_MASK);
        return new UUID(mostSignificant, leastSignificant);
    }

    @Override
    public String toString() {
        return "UuidGenerator[version 7]";
    }
}
