package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcatTest {

    @Test
    void returnsInputsOneAfterAnother() throws SQLException {
        assertThat(Rows.run(new Concat(), Rows.cursor("a|1", "b|2"), Rows.empty(2), Rows.cursor("NULL|3")))
                .containsExactly("'a'|1", "'b'|2", "NULL|3");
    }

    @Test
    void singleAndEmptyInputs() throws SQLException {
        assertThat(Rows.run(new Concat(), Rows.cursor("x|1.5"))).containsExactly("'x'|1.5");
        assertThat(Rows.run(new Concat(), Rows.empty(1), Rows.empty(1))).isEmpty();
    }

    @Test
    void closesEachInputWhenExhaustedAndAllOnClose() throws SQLException {
        FakeCursor first = Rows.cursor("1");
        FakeCursor second = Rows.cursor("2", "3");
        RowCursor cursor = new Concat().open(List.of(first, second));
        assertThat(cursor.next()).isTrue();
        assertThat(first.closed()).isFalse();
        assertThat(cursor.next()).isTrue();
        assertThat(first.closed()).as("exhausted input released early").isTrue();
        assertThat(second.closed()).isFalse();
        cursor.close();
        cursor.close();
        assertThat(second.closed()).isTrue();
        assertThatThrownBy(cursor::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void rejectsInputsOfDifferentWidths() {
        assertThatThrownBy(() -> new Concat().open(List.of(Rows.cursor("1"), Rows.cursor("1|2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("columns");
    }

    @Test
    void getBeforeNextIsAnError() throws SQLException {
        try (RowCursor cursor = new Concat().open(List.of(Rows.cursor("1")))) {
            assertThatThrownBy(() -> cursor.get(0)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no current row");
        }
    }

    @Test
    void describesItself() {
        assertThat(new Concat().describe()).isEqualTo("Concat");
    }
}
