package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyCatalogTest {

    @Test
    void enumMembersAreReadFromTheColumnTypeWithQuotesAndCommas() {
        KeyCatalog.ColumnType type = new KeyCatalog.ColumnType("enum", "enum('zeta','it''s','a,b','')",
                "utf8mb4", "utf8mb4_general_ci");
        assertThat(type.isEnum()).isTrue();
        assertThat(type.enumMembers()).containsExactly("zeta", "it's", "a,b", "");
    }

    @Test
    void padUnitsAreNotReadForNoPadCollations() throws Exception {
        KeyCatalog catalog = new KeyCatalog(() -> {
            throw new AssertionError("a NO PAD collation needs no query");
        });
        assertThat(catalog.padUnit(new KeyCatalog.ColumnType("varchar", "varchar(5)", "utf8mb4",
                "utf8mb4_nopad_bin"))).isNull();
        assertThat(catalog.padUnit(new KeyCatalog.ColumnType("varchar", "varchar(5)", "utf8mb4",
                "utf8mb4_0900_ai_ci"))).isNull();
        assertThat(catalog.padUnit(new KeyCatalog.ColumnType("int", "int(11)", null, null))).isNull();
    }
}
