package dev.shard.cli.reshard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One column of a source table as information_schema.COLUMNS describes it: what a binlog row image, which carries
 * values by position and without names, charsets or signedness, needs to become a row.
 *
 * @param dataType       DATA_TYPE, lower case ({@code int}, {@code varchar}, {@code longtext}...)
 * @param columnType     COLUMN_TYPE ({@code int(10) unsigned}, {@code enum('a','b')}...)
 * @param charset        CHARACTER_SET_NAME; null for non-text columns and binary strings
 * @param enumValues     the values of an ENUM or SET column, in declaration order; empty otherwise
 */
record BinlogColumn(String name, String dataType, String columnType, String charset, boolean primaryKey,
                    List<String> enumValues) {

    BinlogColumn {
        dataType = dataType.toLowerCase(Locale.ROOT);
        enumValues = List.copyOf(enumValues);
    }

    static BinlogColumn of(String name, String dataType, String columnType, String charset, boolean primaryKey) {
        String type = dataType.toLowerCase(Locale.ROOT);
        List<String> values = type.equals("enum") || type.equals("set") ? parseValues(columnType) : List.of();
        return new BinlogColumn(name, type, columnType, charset, primaryKey, values);
    }

    boolean unsigned() {
        return columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    }

    /** n of BIT(n); 1 when the type gives none. */
    int bitWidth() {
        int open = columnType.indexOf('(');
        int close = columnType.indexOf(')', open + 1);
        return open < 0 || close < 0 ? 1 : Integer.parseInt(columnType.substring(open + 1, close).trim());
    }

    /** The quoted values of {@code enum('a','b''c')} (a quote inside a value is doubled). */
    static List<String> parseValues(String columnType) {
        List<String> values = new ArrayList<>();
        int open = columnType.indexOf('(');
        StringBuilder current = null;
        for (int i = open + 1; i < columnType.length(); i++) {
            char c = columnType.charAt(i);
            if (current == null) {
                if (c == '\'') {
                    current = new StringBuilder();
                }
            } else if (c == '\'') {
                if (i + 1 < columnType.length() && columnType.charAt(i + 1) == '\'') {
                    current.append('\'');
                    i++;
                } else {
                    values.add(current.toString());
                    current = null;
                }
            } else {
                current.append(c);
            }
        }
        return values;
    }
}
