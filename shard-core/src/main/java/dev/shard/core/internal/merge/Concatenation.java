package dev.shard.core.internal.merge;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The running state of a {@link GroupConcat} over one group: every piece the shards returned, sorted, de-duplicated
 * and joined when the group ends. Unlike the other accumulators it holds the group's values, as MySQL does, up to
 * the bytes {@code group_concat_max_len} lets through when there is no ORDER BY to wait for.
 */
final class Concatenation extends Accumulator {

    private record Piece(String value, Object[] keys, long rows) {
    }

    private final GroupConcat spec;
    private final RowKeys order;
    private final ValueComparator valueOrder;
    private final List<Piece> pieces = new ArrayList<>();
    private long maxLength = -1;

    Concatenation(GroupConcat spec) {
        this.spec = spec;
        this.order = new RowKeys(spec.order());
        this.valueOrder = spec.value().ref().info().comparator();
    }

    @Override
    void add(RowView row) throws SQLException {
        Object value = row.get(spec.value().ref().index());
        if (maxLength < 0) {
            maxLength = count(row.get(spec.maxLength().ref().index()), "group_concat_max_len");
        }
        if (value == null) {
            // GROUP_CONCAT skips a row where any expression is NULL, as CONCAT is then NULL.
            return;
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        long rows = spec.distinct() ? 1 : count(row.get(spec.rows().ref().index()), "the row count");
        pieces.add(new Piece(text, order.extract(row), rows));
    }

    private static long count(Object value, String what) throws SQLException {
        if (!(value instanceof Number n)) {
            throw new SQLException("merge: GROUP_CONCAT's " + what + " from a shard is not a number: " + value,
                    "HY000");
        }
        return n.longValue();
    }

    @Override
    Object result() throws SQLException {
        if (pieces.isEmpty()) {
            return null;
        }
        List<Piece> sorted = new ArrayList<>(pieces);
        try {
            // A stable sort: pieces with equal keys keep the order they arrived in, which MySQL leaves undefined.
            sorted.sort((a, b) -> order.compare(a.keys(), b.keys()));
        } catch (IllegalArgumentException e) {
            throw BaseCursor.comparisonFailure(e);
        }
        TreeSet<Object> seen = spec.distinct() ? new TreeSet<>(valueOrder::compareKeys) : null;
        StringBuilder out = new StringBuilder();
        long separatorBytes = utf8Length(spec.separator());
        long bytes = 0;
        boolean first = true;
        for (Piece piece : sorted) {
            if (seen != null && !seen.add(valueOrder.collationKey(piece.value()))) {
                continue;
            }
            long valueBytes = utf8Length(piece.value());
            for (long i = 0; i < piece.rows(); i++) {
                if (!first) {
                    out.append(spec.separator());
                    bytes += separatorBytes;
                }
                out.append(piece.value());
                bytes += valueBytes;
                first = false;
                if (bytes > maxLength) {
                    return truncate(out, maxLength);
                }
            }
        }
        return out.toString();
    }

    /** UTF-8 bytes of {@code text}, counted without encoding it. */
    private static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest prefix of at most {@code maxBytes} UTF-8 bytes that ends on a whole character. */
    private static String truncate(CharSequence text, long maxBytes) {
        long bytes = 0;
        int end = 0;
        while (end < text.length()) {
            char c = text.charAt(end);
            int width = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 4 : 3;
            if (bytes + width > maxBytes) {
                break;
            }
            bytes += width;
            end += width == 4 ? 2 : 1;
        }
        return text.subSequence(0, end).toString();
    }
}
