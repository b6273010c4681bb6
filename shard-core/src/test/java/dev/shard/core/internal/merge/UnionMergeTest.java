package dev.shard.core.internal.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The combination of a UNION's branches: duplicate removal as MySQL's, then the union's ORDER BY and LIMIT. */
class UnionMergeTest {

    private static final List<ColumnInfo> BINARY = List.of(MySqlMerge.of("id"), MySqlMerge.of("name"));
    private static final List<ColumnInfo> CI = List.of(MySqlMerge.of("id"), MySqlMerge.ci("name"));

    private static UnionMerge union(int distinctBranches, List<ColumnInfo> columns, MergePlan.Builder combined) {
        return new UnionMerge(distinctBranches,
                distinctBranches == 0 ? null : MergePlan.concat().step(new HashDistinct(columns)).build(),
                combined.build());
    }

    private static List<String> run(UnionMerge union, FakeCursor... branches) throws SQLException {
        return Rows.drain(union.open(List.of(branches)));
    }

    @Test
    void unionAllKeepsEveryRowBranchAfterBranch() throws SQLException {
        assertThat(run(union(0, BINARY, MergePlan.concat()), Rows.cursor("1|'a'", "1|'a'"), Rows.cursor("1|'a'")))
                .containsExactly("1|'a'", "1|'a'", "1|'a'");
    }

    @Test
    void unionRemovesDuplicatesWithinAndAcrossBranchesKeepingTheFirstSeen() throws SQLException {
        assertThat(run(union(2, BINARY, MergePlan.concat()), Rows.cursor("2|'b'", "1|'a'", "2|'b'"),
                Rows.cursor("1|'a'", "3|'c'")))
                .containsExactly("2|'b'", "1|'a'", "3|'c'");
    }

    @Test
    void nullEqualsNullAndNumbersAreEqualByValueWhateverTheirJavaClass() throws SQLException {
        assertThat(run(union(2, BINARY, MergePlan.concat()), Rows.cursor("NULL|NULL", "i:1|'x'", "1.50|'y'"),
                Rows.cursor("NULL|NULL", "1|'x'", "1.0|'x'", "d:1.5|'y'", "bi:1|'x'")))
                .containsExactly("NULL|NULL", "i:1|'x'", "1.50|'y'");
    }

    @Test
    void aCaseInsensitiveColumnTreatsCaseAndTrailingBlanksAsTheSameValue() throws SQLException {
        assertThat(run(union(2, CI, MergePlan.concat()), Rows.cursor("1|'paid'"), Rows.cursor("1|'PAID '", "1|'Páid'")))
                .as("MySQL's general_ci: case, accents and trailing blanks do not count")
                .containsExactly("1|'paid'");
        assertThat(run(union(2, BINARY, MergePlan.concat()), Rows.cursor("1|'paid'"), Rows.cursor("1|'PAID'")))
                .containsExactly("1|'paid'", "1|'PAID'");
    }

    @Test
    void aDistinctUnionDeduplicatesTheBranchesToItsLeftAndTheUnionAllAfterItAppends() throws SQLException {
        // SELECT ... UNION SELECT ... UNION ALL SELECT ...: the third branch's rows all stay.
        assertThat(run(union(2, BINARY, MergePlan.concat()), Rows.cursor("1|'a'", "1|'a'"), Rows.cursor("1|'a'"),
                Rows.cursor("1|'a'", "1|'a'")))
                .containsExactly("1|'a'", "1|'a'", "1|'a'");
    }

    @Test
    void theUnionsOrderByAndLimitApplyToTheCombinedRows() throws SQLException {
        MergePlan.Builder ordered = MergePlan.concat().sort(SortKey.desc(0, BINARY.get(0))).limit(1, 2);
        assertThat(run(union(2, BINARY, ordered), Rows.cursor("1|'a'", "5|'e'"), Rows.cursor("3|'c'", "5|'e'", "4|'d'")))
                .containsExactly("4|'d'", "3|'c'");
    }

    @Test
    void closingTheUnionClosesEveryBranchAndAFailedOpenClosesThemToo() throws SQLException {
        FakeCursor a = Rows.cursor("1|'a'");
        FakeCursor b = Rows.cursor("2|'b'");
        FakeCursor c = Rows.cursor("3|'c'");
        RowCursor cursor = union(2, BINARY, MergePlan.concat()).open(List.of(a, b, c));
        assertThat(cursor.next()).isTrue();
        cursor.close();
        assertThat(List.of(a, b, c)).allMatch(FakeCursor::closed);

        FakeCursor narrow = Rows.cursor("1");
        FakeCursor rest = Rows.cursor("2|'b'");
        assertThatThrownBy(() -> union(1, BINARY, MergePlan.concat()).open(List.of(narrow, rest)))
                .isInstanceOf(SQLException.class).hasMessageContaining("HashDistinct over 2 columns");
        assertThat(List.of(narrow, rest)).allMatch(FakeCursor::closed);
    }

    @Test
    void describesTheCombinationOverItsBranches() {
        MergePlan.Builder ordered = MergePlan.concat().sort(SortKey.asc(0, BINARY.get(0))).limit(0, 5);
        assertThat(union(2, CI, ordered).describe(3)).isEqualTo("""
                Limit(offset=0, count=5)
                  MemorySort(keys=[0 ASC], top=5)
                    Concat
                      HashDistinct(columns=[0, 1 ci])
                        Concat
                          Branches(1..2)
                      Branches(3..3)
                """);
        assertThat(union(0, BINARY, MergePlan.concat()).describe(2)).isEqualTo("Concat\n  Branches(1..2)\n");
    }
}
