package dev.shard.jdbc.internal;

import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Calendar;

/**
 * The date and time part of {@link JdbcValues}: getDate, getTime, getTimestamp and the java.time types of
 * getObject, from whatever the shards' drivers returned. A value without a zone (DATE, DATETIME, TIME, or the
 * java.sql types a driver returns for them) is a wall-clock reading: without a Calendar it is read in the JVM's
 * zone, as every driver does; with one, in the calendar's zone, as JDBC asks and as Connector/J and H2 do for a
 * single shard's result. A value that carries its offset names its instant whatever the calendar says.
 */
final class JdbcDateTimes {

    private JdbcDateTimes() {
    }

    static LocalDateTime toLocalDateTime(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDateTime t) {
            return t;
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (value instanceof Date d) {
            return d.toLocalDate().atStartOfDay();
        }
        if (value instanceof OffsetDateTime t) {
            return t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
        }
        if (value instanceof ZonedDateTime t) {
            return t.withZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
        }
        if (value instanceof Instant i) {
            return LocalDateTime.ofInstant(i, ZoneId.systemDefault());
        }
        if (value instanceof java.util.Date d) {
            return new Timestamp(d.getTime()).toLocalDateTime();
        }
        if (value instanceof String s) {
            try {
                String t = s.trim();
                return t.length() <= 10 ? LocalDate.parse(t).atStartOfDay()
                        : LocalDateTime.parse(t.replace(' ', 'T'));
            } catch (RuntimeException e) {
                throw JdbcValues.conversion(value, "a date-time", column);
            }
        }
        throw JdbcValues.conversion(value, "a date-time", column);
    }

    static LocalTime toLocalTime(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof LocalTime t) {
            return t;
        }
        if (value instanceof Time t) {
            return t.toLocalTime();
        }
        if (value instanceof String s) {
            try {
                return LocalTime.parse(s.trim());
            } catch (RuntimeException e) {
                throw JdbcValues.conversion(value, "a time", column);
            }
        }
        return toLocalDateTime(value, column).toLocalTime();
    }

    static Date toDate(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof Date d) {
            return d;
        }
        if (value instanceof LocalDate d) {
            return Date.valueOf(d);
        }
        return Date.valueOf(toLocalDateTime(value, column).toLocalDate());
    }

    static Time toTime(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof Time t) {
            return t;
        }
        return Time.valueOf(toLocalTime(value, column));
    }

    static Timestamp toTimestamp(Object value, int column) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp t) {
            return t;
        }
        return Timestamp.valueOf(toLocalDateTime(value, column));
    }

    /** getTimestamp(column, calendar): the wall-clock value taken as a time in the calendar's zone. */
    static Timestamp toTimestamp(Object value, int column, Calendar calendar) throws SQLException {
        if (value == null || calendar == null) {
            return toTimestamp(value, column);
        }
        Instant instant = instantOf(value);
        return Timestamp.from(instant != null ? instant
                : toLocalDateTime(value, column).atZone(zoneOf(calendar)).toInstant());
    }

    /** getDate(column, calendar): midnight of the value's date in the calendar's zone. */
    static Date toDate(Object value, int column, Calendar calendar) throws SQLException {
        if (value == null || calendar == null) {
            return toDate(value, column);
        }
        LocalDate date = toDate(value, column).toLocalDate();
        return new Date(date.atStartOfDay(zoneOf(calendar)).toInstant().toEpochMilli());
    }

    /**
     * getTime(column, calendar): the value's time of day on 1970-01-01 in the calendar's zone. Milliseconds are
     * kept, as H2 keeps them (java.sql.Time.toLocalTime would drop them).
     */
    static Time toTime(Object value, int column, Calendar calendar) throws SQLException {
        if (value == null || calendar == null) {
            return toTime(value, column);
        }
        LocalTime time = value instanceof Time ? toLocalDateTime(value, column).toLocalTime()
                : toLocalTime(value, column);
        return new Time(LocalDate.EPOCH.atTime(time).atZone(zoneOf(calendar)).toInstant().toEpochMilli());
    }

    /** The instant of a value that carries its offset; null for a wall-clock value. */
    private static Instant instantOf(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof ZonedDateTime t) {
            return t.toInstant();
        }
        return value instanceof Instant i ? i : null;
    }

    private static ZoneId zoneOf(Calendar calendar) {
        return calendar.getTimeZone().toZoneId();
    }
}
