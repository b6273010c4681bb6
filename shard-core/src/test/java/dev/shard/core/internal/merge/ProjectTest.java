package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectTest {

    @Test
    void hidesAndReordersColumns() throws SQLException {
        assertThat(Rows.run(Project.first(2), Rows.cursor("a|1|hidden", "b|NULL|hidden")))
                .containsExactly("'a'|1", "'b'|NULL");
        assertThat(Rows.run(new Project(List.of(2, 0)), Rows.cursor("a|1|x"))).containsExactly("'x'|'a'");
    }

    @Test
    void columnCountIsTheUsers() throws SQLException {
        try (RowCursor cursor = Project.first(1).open(Rows.cursor("a|1"))) {
            assertThat(cursor.columnCount()).isEqualTo(1);
            assertThat(cursor.next()).isTrue();
            assertThatThrownBy(() -> cursor.get(1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("out of range");
        }
    }

    @Test
    void emptyInputAndClose() throws SQLException {
        FakeCursor input = Rows.empty(2);
        assertThat(Rows.run(Project.first(1), input)).isEmpty();
        assertThat(input.closed()).isTrue();
    }

    @Test
    void rejectsColumnsPastTheInput() {
        assertThatThrownBy(() -> new Project(List.of(0, 3)).open(Rows.cursor("a|1")))
                .isInstanceOf(SQLException.class).hasMessageContaining("column 3");
    }

    @Test
    void describesItself() {
        assertThat(Project.first(3).describe()).isEqualTo("Project(columns=[0, 1, 2])");
    }
}
