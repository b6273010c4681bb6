package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * The Calendar getters of merged values beyond what H2 returns in ScatterResultSetTest: values that carry their
 * own offset, and a null calendar.
 */
class JdbcDateTimesTest {

    static final Calendar KATHMANDU = Calendar.getInstance(TimeZone.getTimeZone("Asia/Kathmandu"));

    @Test
    void aWallClockValueIsReadInTheCalendarsZone() throws SQLException {
        LocalDateTime stored = LocalDateTime.of(2024, 1, 2, 10, 30, 0, 123_456_789);
        Timestamp expected = Timestamp.from(stored.atZone(ZoneId.of("Asia/Kathmandu")).toInstant());
        assertThat(JdbcDateTimes.toTimestamp(stored, 1, KATHMANDU)).isEqualTo(expected);
        assertThat(JdbcDateTimes.toTimestamp(Timestamp.valueOf(stored), 1, KATHMANDU)).isEqualTo(expected);
        assertThat(JdbcDateTimes.toTimestamp("2024-01-02 10:30:00.123456789", 1, KATHMANDU)).isEqualTo(expected);
    }

    @Test
    void aValueWithAnOffsetKeepsItsInstantWhateverTheCalendar() throws SQLException {
        OffsetDateTime stored = OffsetDateTime.of(2024, 1, 2, 10, 30, 0, 0, ZoneOffset.ofHours(-7));
        assertThat(JdbcDateTimes.toTimestamp(stored, 1, KATHMANDU)).isEqualTo(Timestamp.from(stored.toInstant()));
        assertThat(JdbcDateTimes.toTimestamp(stored.toZonedDateTime(), 1, KATHMANDU))
                .isEqualTo(Timestamp.from(stored.toInstant()));
        Instant instant = stored.toInstant();
        assertThat(JdbcDateTimes.toTimestamp(instant, 1, KATHMANDU)).isEqualTo(Timestamp.from(instant));
    }

    @Test
    void aNullCalendarOrValueReadsAsWithoutACalendar() throws SQLException {
        LocalDateTime stored = LocalDateTime.of(2024, 1, 2, 10, 30);
        assertThat(JdbcDateTimes.toTimestamp(stored, 1, null)).isEqualTo(Timestamp.valueOf(stored));
        assertThat(JdbcDateTimes.toDate(stored, 1, null)).isEqualTo(java.sql.Date.valueOf("2024-01-02"));
        assertThat(JdbcDateTimes.toTime(stored, 1, null)).isEqualTo(java.sql.Time.valueOf("10:30:00"));
        assertThat(JdbcDateTimes.toTimestamp(null, 1, KATHMANDU)).isNull();
        assertThat(JdbcDateTimes.toDate(null, 1, KATHMANDU)).isNull();
        assertThat(JdbcDateTimes.toTime(null, 1, KATHMANDU)).isNull();
    }
}
