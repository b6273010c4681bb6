package dev.shard.core.internal.keygen;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class UuidGeneratorTest {

    private static final long T = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

    @Test
    void producesLowerCaseVersion7Strings() {
        UuidGenerator generator = UuidGenerator.system();
        for (int i = 0; i < 1000; i++) {
            String key = generator.next();
            assertThat(key).hasSize(36)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            UUID uuid = UUID.fromString(key);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }

    @Test
    void leadsWithTheUnixMillisecond() {
        UuidGenerator generator = new UuidGenerator(() -> T, new Random(1));
        UUID uuid = generator.nextUuid();
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(T);
        assertThat(generator.next()).startsWith(String.format("%08x-%04x-7", T >>> 16, T & 0xFFFF));
    }

    @Test
    void laterMillisecondsSortLaterAsStrings() {
        AtomicLong clock = new AtomicLong(T);
        UuidGenerator generator = new UuidGenerator(clock::get, new Random(2));
        String previous = generator.next();
        for (int i = 0; i < 10_000; i++) {
            clock.incrementAndGet();
            String key = generator.next();
            assertThat(key).isGreaterThan(previous);
            previous = key;
        }
    }

    @Test
    void keysWithinOneMillisecondAreUnique() {
        UuidGenerator generator = new UuidGenerator(() -> T, new java.security.SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(generator.next());
        }
        assertThat(seen).hasSize(100_000);
    }
}
