package dev.shard.core.internal.sql;

import dev.shard.core.internal.dialect.MySqlDialect;
import dev.shard.core.internal.dialect.SqlLexer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReadDirectivesTest {

    private static final SqlLexer LEXER = new MySqlDialect(true).lexer();

    @ParameterizedTest(name = "{0} -> locks={1}, hinted={2}")
    @CsvSource(delimiter = '|', value = {
            "SELECT * FROM t WHERE id = 1                                         | false | false",
            "SELECT * FROM t WHERE id = 1 FOR UPDATE                              | true  | false",
            "select * from t where id = 1 for update nowait                       | true  | false",
            "SELECT * FROM t WHERE id = 1 FOR SHARE                               | true  | false",
            "SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE                      | true  | false",
            "SELECT * FROM t WHERE id IN (SELECT id FROM u FOR UPDATE)            | true  | false",
            "SELECT 'FOR UPDATE', `for update` FROM t                             | false | false",
            "SELECT * FROM t /* FOR UPDATE */                                     | false | false",
            "SELECT * FROM t -- LOCK IN SHARE MODE\\n                             | false | false",
            "SELECT * FROM t /*!50000 FOR UPDATE */                               | true  | false",
            "/* shard:primary */ SELECT * FROM t                                  | false | true",
            "SELECT /*  SHARD:PRIMARY  */ * FROM t FOR UPDATE                     | true  | true",
            "SELECT * FROM t WHERE note = '/* shard:primary */'                   | false | false",
            "SELECT * FROM t /* shard:primary, please */                          | false | false",
            "SELECT * FROM t -- shard:primary\\n                                  | false | false",
            "SELECT for_update FROM t                                             | false | false",
    })
    void findsLockingClausesAndThePrimaryHintInCodeOnly(String sql, boolean locks, boolean hinted) {
        ReadDirectives directives = ReadDirectives.of(sql.replace("\\n", "\n"), LEXER);
        assertThat(directives).isEqualTo(new ReadDirectives(locks, hinted));
    }
}
