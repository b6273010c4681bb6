package dev.shard.core.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.dialect.SqlTokens.Kind;
import dev.shard.core.internal.dialect.SqlTokens.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTokensTest {

    private static List<String> texts(String sql) {
        return SqlTokens.of(sql, new MySqlDialect().lexer()).stream().map(Token::text).toList();
    }

    @Test
    void wordsQuotedNamesStringsAndSymbols() {
        List<Token> tokens = SqlTokens.of("ALTER TABLE `db`.`T 1` COMMENT = 'it''s'", new MySqlDialect().lexer());
        assertThat(tokens).extracting(Token::kind).containsExactly(Kind.WORD, Kind.WORD, Kind.QUOTED_NAME,
                Kind.SYMBOL, Kind.QUOTED_NAME, Kind.WORD, Kind.SYMBOL, Kind.STRING);
        assertThat(tokens).extracting(Token::text).containsExactly("ALTER", "TABLE", "`db`", ".", "`T 1`",
                "COMMENT", "=", "'it''s'");
        assertThat(tokens.get(0).is("alter")).isTrue();
        assertThat(tokens.get(3).is('.')).isTrue();
        assertThat(tokens.get(4).start()).isEqualTo(17);
    }

    @Test
    void commentsAreDroppedAndExecutableCommentsAreCode() {
        assertThat(texts("/* hint */ drop -- gone\n table # gone too\n t")).containsExactly("drop", "table", "t");
        assertThat(texts("/*!40000 ALTER TABLE t DISABLE KEYS */")).containsExactly("ALTER", "TABLE", "t",
                "DISABLE", "KEYS");
        assertThat(texts("a 'never closed")).containsExactly("a", "'never closed");
        assertThat(texts("a /* never closed")).containsExactly("a");
    }
}
