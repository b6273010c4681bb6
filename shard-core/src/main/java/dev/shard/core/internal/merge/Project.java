package dev.shard.core.internal.merge;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Maps output column {@code i} to input column {@code columns.get(i)}: hides the columns the rewrite added for
 * the merge's own use (ORDER BY and GROUP BY keys the user did not select, AVG's counts), so the user sees
 * exactly the columns selected. Streaming, no copying.
 */
public record Project(List<Integer> columns) implements MergeStep {

    public Project {
        columns = List.copyOf(columns);
        for (int c : columns) {
            if (c < 0) {
                throw new IllegalArgumentException("column must be >= 0: " + c);
            }
        }
    }

    /** The first {@code n} columns: the user's, when the rewrite appended its helpers after them. */
    public static Project first(int n) {
        return new Project(IntStream.range(0, n).boxed().toList());
    }

    @Override
    public RowCursor open(RowCursor input) throws SQLException {
        int[] map = new int[columns.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = columns.get(i);
            BaseCursor.checkColumn("Project", map[i], input.columnCount());
        }
        return new Cursor(input, map);
    }

    @Override
    public String describe() {
        return "Project(columns=" + columns + ")";
    }

    private static final class Cursor extends BaseCursor {
        private final RowCursor input;
        private final int[] map;

        Cursor(RowCursor input, int[] map) {
            this.input = input;
            this.map = map;
        }

        @Override
        protected boolean nextRow() throws SQLException {
            return input.next();
        }

        @Override
        public Object get(int column) throws SQLException {
            checkOpen();
            if (column < 0 || column >= map.length) {
                throw badColumn(column, map.length);
            }
            return input.get(map[column]);
        }

        @Override
        public int columnCount() {
            return map.length;
        }

        @Override
        protected void doClose() throws SQLException {
            input.close();
        }
    }
}
