package dev.shard.cli.reshard;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values as the binlog client decodes them (see BinlogCatchUp.DESERIALIZER_MODES) and the row values they become. */
class BinlogValuesTest {

    private static Object convert(String dataType, String columnType, String charset, Serializable raw)
            throws SQLException {
        return BinlogValues.convert("t", BinlogColumn.of("c", dataType, columnType, charset, false), raw);
    }

    @Test
    void unsignedIntegersThatArriveNegativeAreMadePositive() throws SQLException {
        assertThat(convert("tinyint", "tinyint(3) unsigned", null, -1)).isEqualTo(255);
        assertThat(convert("smallint", "smallint(5) unsigned", null, -1)).isEqualTo(65535);
        assertThat(convert("mediumint", "mediumint(8) unsigned", null, -1)).isEqualTo(16_777_215);
        assertThat(convert("int", "int(10) unsigned", null, -1)).isEqualTo(4_294_967_295L);
        assertThat(convert("bigint", "bigint(20) unsigned", null, -1L))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(convert("bigint", "bigint(20) unsigned", null, 5L)).isEqualTo(BigInteger.valueOf(5));
        assertThat(convert("tinyint", "tinyint(4)", null, -1)).isEqualTo(-1);
        assertThat(convert("int", "int(11)", null, -7)).isEqualTo(-7);
        assertThat(convert("bigint", "bigint(20)", null, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void textIsDecodedWithTheColumnsCharsetAndBinaryStaysBytes() throws SQLException {
        assertThat(convert("varchar", "varchar(10)", "utf8mb4", "é😀".getBytes(Charset.forName("UTF-8"))))
                .isEqualTo("é😀");
        // MySQL's latin1 is Windows-1252: 0x80 is the euro sign, not a control character.
        assertThat(convert("char", "char(2)", "latin1", new byte[] {(byte) 0x80, (byte) 0xE9})).isEqualTo("€é");
        assertThat(convert("longtext", "longtext", "utf8mb4", "{\"a\": 1}".getBytes(Charset.forName("UTF-8"))))
                .isEqualTo("{\"a\": 1}");
        assertThat(convert("varbinary", "varbinary(4)", null, new byte[] {0, 1})).isEqualTo(new byte[] {0, 1});
        assertThat(convert("blob", "blob", null, new byte[] {9})).isEqualTo(new byte[] {9});
        assertThatThrownBy(() -> convert("varchar", "varchar(4)", "utf8mb4", new byte[] {(byte) 0xC3}))
                .isInstanceOf(SQLException.class).hasMessageContaining("t.c");
        assertThatThrownBy(() -> convert("varchar", "varchar(4)", "nosuchcharset", new byte[] {65}))
                .isInstanceOf(SQLException.class).hasMessageContaining("nosuchcharset");
    }

    @Test
    void datesAndTimesAreExactAndZeroDatesStayZero() throws SQLException {
        long micros = LocalDateTime.of(1999, 12, 31, 23, 59, 59, 1000).toEpochSecond(java.time.ZoneOffset.UTC)
                * 1_000_000L + 1;
        assertThat(convert("datetime", "datetime(6)", null, micros))
                .isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 1000));
        assertThat(convert("date", "date", null, LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000_000L))
                .isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(convert("date", "date", null, Long.MIN_VALUE)).isEqualTo("0000-00-00");
        assertThat(convert("datetime", "datetime", null, Long.MIN_VALUE)).isEqualTo("0000-00-00 00:00:00");
        assertThat(convert("timestamp", "timestamp(3)", null, 1_500L)).isEqualTo(Instant.ofEpochSecond(0, 1_500_000));
        assertThat(convert("timestamp", "timestamp", null, 0L)).isEqualTo("0000-00-00 00:00:00");
        assertThat(convert("time", "time(6)", null, (838L * 3600 + 59 * 60 + 59) * 1_000_000L + 5))
                .isEqualTo("838:59:59.000005");
        assertThat(convert("time", "time", null, 0L)).isEqualTo("00:00:00");
    }

    @Test
    void datesBeforeTheGregorianCutoverAreReadInTheClientsJulianCalendar() throws SQLException {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.clear();
        calendar.set(1000, 0, 1, 12, 30, 15);
        long micros = calendar.getTimeInMillis() * 1000 + 7;
        assertThat(convert("datetime", "datetime(6)", null, micros))
                .isEqualTo(LocalDateTime.of(1000, 1, 1, 12, 30, 15, 7000));
    }

    @Test
    void enumSetAndBitBecomeTheirValues() throws SQLException {
        String enumType = "enum('a','b','it''s')";
        assertThat(convert("enum", enumType, "utf8mb4", 3)).isEqualTo("it's");
        assertThat(convert("enum", enumType, "utf8mb4", 0)).isEqualTo("");
        assertThat(convert("set", "set('x','y','z')", "utf8mb4", 5L)).isEqualTo("x,z");
        assertThat(convert("set", "set('x','y','z')", "utf8mb4", 0L)).isEqualTo("");
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(9);
        assertThat(convert("bit", "bit(10)", null, bits)).isEqualTo(new byte[] {0b10, 0b1});
        BitSet top = new BitSet();
        top.set(63);
        assertThat(convert("bit", "bit(64)", null, top)).isEqualTo(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void otherValuesAndNullPassThrough() throws SQLException {
        assertThat(convert("decimal", "decimal(10,2)", null, new BigDecimal("-12.50")))
                .isEqualTo(new BigDecimal("-12.50"));
        assertThat(convert("double", "double", null, 1.5d)).isEqualTo(1.5d);
        assertThat(convert("year", "year(4)", null, 2155)).isEqualTo(2155);
        assertThat(convert("varchar", "varchar(3)", "utf8mb4", null)).isNull();
    }

    @Test
    void applierBindsDatesAsTextAndInstantsInUtc() {
        assertThat(JdbcChangeApplier.bindable(Instant.parse("2024-10-27T01:30:00.123Z")))
                .isEqualTo("2024-10-27 01:30:00.123000");
        assertThat(JdbcChangeApplier.bindable(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000)))
                .isEqualTo("2024-01-02 03:04:05.000006");
        assertThat(JdbcChangeApplier.bindable(7L)).isEqualTo(7L);
        assertThat(JdbcChangeApplier.quote("a`b")).isEqualTo("`a``b`");
    }

    @Test
    void positionsOrderByFileNumberThenOffset() {
        BinlogPosition a = new BinlogPosition("mariadb-bin.999999", 900, null);
        BinlogPosition b = new BinlogPosition("mariadb-bin.1000000", 4, null);
        assertThat(a).isLessThan(b);
        assertThat(new BinlogPosition("bin.000002", 4, null)).isGreaterThan(new BinlogPosition("bin.000001", 9999, null));
        assertThat(new BinlogPosition("bin.000002", 5, "0-1-2")).isGreaterThan(new BinlogPosition("bin.000002", 4, null));
        assertThat(new BinlogPosition("bin.000002", 5, null).reached(new BinlogPosition("bin.000002", 5, null))).isTrue();
    }

    @Test
    void sourceFromAJdbcUrlKeepsThePasswordOutOfItsText() {
        BinlogSource source = BinlogSource.fromJdbcUrl("ds0", "jdbc:mysql://db.example:3307/shop?useSSL=false", "u",
                "secret-pw");
        assertThat(source.host()).isEqualTo("db.example");
        assertThat(source.port()).isEqualTo(3307);
        assertThat(source.database()).isEqualTo("shop");
        assertThat(source.toString()).doesNotContain("secret-pw").contains("ds0");
        assertThat(BinlogSource.fromJdbcUrl("ds1", "jdbc:mariadb://h/db", "u", "p").port()).isEqualTo(3306);
        assertThatThrownBy(() -> BinlogSource.fromJdbcUrl("ds2", "jdbc:postgresql://h/db", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ds2");
    }
}
