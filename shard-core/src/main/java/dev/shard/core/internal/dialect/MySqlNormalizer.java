package dev.shard.core.internal.dialect;

import dev.shard.core.internal.dialect.ParamSource.Literal;
import dev.shard.core.internal.dialect.ParamSource.UserParameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Lifts literals out of MySQL DML text so that statements differing only in their literal values share one cache entry
 * for the (expensive) parse and analysis.
 *
 * <p>A single hand-written pass over the characters: no regular expressions, no tokens materialised, one
 * {@link StringBuilder} (only when something is lifted) and one small list. Quotes, comments, blanks and name
 * characters are read by {@link MySqlLexer} (MySQL's default {@code sql_mode}: backslash escapes in strings, and
 * {@code "x"} is a string, not an identifier); this class adds what only literal lifting needs: the keywords that
 * decide whether a literal may be lifted, numbers, and the values of strings.
 *
 * <p>The guiding principle is that a literal is lifted only when the lexer is sure a bind value may stand in its place
 * with the same meaning; whenever in doubt it stays in the text. Keeping too much costs cache hits, lifting too much
 * changes what the statement means or makes it unparseable.
 *
 * <p>Known, accepted differences once the values are bound again:
 * <ul>
 *   <li>Exponent numbers ({@code 1e3}) are DOUBLE to MySQL but are lifted as BigDecimal (DECIMAL) values.</li>
 *   <li>MySQL names an unaliased select-list column after its text ({@code SELECT 1+1} gives column "1+1"). If the
 *       template is sent as a server-side prepared statement, such a column is named after the template text instead
 *       ("?+?"). Client-side interpolation of the values restores the original names in most cases.</li>
 * </ul>
 */
final class MySqlNormalizer implements BaseDialect.Normalizer {

    private final MySqlLexer lexer;

    MySqlNormalizer(MySqlLexer lexer) {
        this.lexer = lexer;
    }

    @Override
    public SqlLexer lexer() {
        return lexer;
    }

    /**
     * Normalises one SQL text. Never throws for any non-null input: malformed text passes through with best effort,
     * and unterminated strings, quoted identifiers or comments give {@code normalized == false} with the original text.
     *
     * @throws NullPointerException if sql is null (there is no text to pass through)
     */
    @Override
    public NormalizedSql normalize(String sql) {
        if (sql == null) {
            throw new NullPointerException("sql");
        }
        return new Pass(sql).run();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Keywords the lexer has to recognise. Everything else that looks like a word is an identifier (an operand).
    // ---------------------------------------------------------------------------------------------------------------

    /** Statement kinds we normalise: only DML, whose shape is worth caching. */
    private static final int DML = 1;
    /** A value (expression) follows: the next literal may be lifted and a '-' before a number is unary. */
    private static final int INTRO = 2;
    /** The next literal must stay verbatim (INTERVAL 1 DAY, ESCAPE '!', AS 'alias', DATE '2020-01-01', ...). */
    private static final int KEEP = 4;
    /** A type name: numbers in the parentheses that follow are type parameters (DECIMAL(10,2)), never values. */
    private static final int TYPE = 8;
    /** Ends an ORDER BY / GROUP BY / LIMIT / window-frame list at the same parenthesis level. */
    private static final int CLAUSE_END = 16;
    /** Starts a list in which nothing is lifted (LIMIT, window frames; ORDER/GROUP BY is detected by BY). */
    private static final int NO_LIFT = 32;

    private enum Kw {
        SELECT(DML | INTRO | CLAUSE_END), INSERT(DML), REPLACE(DML), UPDATE(DML), DELETE(DML), WITH(DML),
        VALUES(DML | INTRO), TABLE(DML),

        WHERE(INTRO | CLAUSE_END), AND(INTRO), OR(INTRO), NOT(INTRO), XOR(INTRO), IN(INTRO), BETWEEN(INTRO),
        SET(INTRO), THEN(INTRO), ELSE(INTRO), WHEN(INTRO), CASE(INTRO), ON(INTRO | CLAUSE_END), HAVING(INTRO | CLAUSE_END),
        LIKE(INTRO), REGEXP(INTRO), RLIKE(INTRO), DIV(INTRO), MOD(INTRO), DISTINCT(INTRO), DISTINCTROW(INTRO),
        ALL(INTRO), EXISTS(INTRO), HIGH_PRIORITY(INTRO), STRAIGHT_JOIN(INTRO), SQL_SMALL_RESULT(INTRO),
        SQL_BIG_RESULT(INTRO), SQL_BUFFER_RESULT(INTRO), SQL_NO_CACHE(INTRO), SQL_CACHE(INTRO),
        SQL_CALC_FOUND_ROWS(INTRO),

        ORDER(0), GROUP(0), BY(0),
        LIMIT(NO_LIFT | CLAUSE_END), ROWS(NO_LIFT | CLAUSE_END), RANGE(NO_LIFT | CLAUSE_END),
        WINDOW(CLAUSE_END), FOR(CLAUSE_END), UNION(CLAUSE_END), INTERSECT(CLAUSE_END), EXCEPT(CLAUSE_END),
        INTO(CLAUSE_END), LOCK(CLAUSE_END),

        INTERVAL(KEEP), ESCAPE(KEEP), COLLATE(KEEP), CHARSET(KEEP), CHARACTER(0), SEPARATOR(KEEP), AS(KEEP), DATE(KEEP),
        TIME(KEEP | TYPE), TIMESTAMP(KEEP | TYPE),

        DECIMAL(TYPE), DEC(TYPE), NUMERIC(TYPE), FIXED(TYPE), FLOAT(TYPE), DOUBLE(TYPE), REAL(TYPE), CHAR(TYPE),
        VARCHAR(TYPE), NCHAR(TYPE), NVARCHAR(TYPE), BINARY(TYPE), VARBINARY(TYPE), DATETIME(TYPE), INT(TYPE),
        INTEGER(TYPE), BIGINT(TYPE), SMALLINT(TYPE), TINYINT(TYPE), MEDIUMINT(TYPE), BIT(TYPE), SIGNED(TYPE),
        UNSIGNED(TYPE);

        final int flags;

        Kw(int flags) {
            this.flags = flags;
        }

        boolean is(int flag) {
            return (flags & flag) != 0;
        }

        private static final int MAX_LEN = 24;
        private static final Kw[] BY_HASH = new Kw[512];

        static {
            for (Kw kw : values()) {
                String name = kw.name();
                int slot = hash(name, 0, name.length()) & (BY_HASH.length - 1);
                while (BY_HASH[slot] != null) {
                    slot = (slot + 1) & (BY_HASH.length - 1);
                }
                BY_HASH[slot] = kw;
            }
        }

        /**
         * Case-insensitive hash (never negative) of an ASCII word; -1 if it holds a non-ASCII char. No keyword does,
         * and checking here matters: regionMatches(ignoreCase) would otherwise let U+017F (long s) match 'S'.
         */
        private static int hash(String s, int start, int end) {
            int h = 0;
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return -1;
                }
                if (c >= 'a' && c <= 'z') {
                    c -= 'a' - 'A';
                }
                h = 31 * h + c;
            }
            return (h ^ (h >>> 9)) & 0x7fffffff;
        }

        /** The keyword spelled by s[start, end), ignoring case, or null. Allocation-free. */
        static Kw lookup(String s, int start, int end) {
            int len = end - start;
            if (len > MAX_LEN) {
                return null;
            }
            int h = hash(s, start, end);
            if (h == -1) {
                return null;
            }
            int slot = h & (BY_HASH.length - 1);
            Kw kw;
            while ((kw = BY_HASH[slot]) != null) {
                String name = kw.name();
                if (name.length() == len && s.regionMatches(true, start, name, 0, len)) {
                    return kw;
                }
                slot = (slot + 1) & (BY_HASH.length - 1);
            }
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What the previous significant token lets the next literal be.
    // ---------------------------------------------------------------------------------------------------------------

    /** Start, an operator, '(' , ',' or an INTRO keyword: a value may follow, so a literal here can be lifted. */
    private static final int P_VALUE = 0;
    /**
     * An identifier, literal, ')' or '?'. A literal right after an operand is an alias ({@code SELECT col 'x'}) or
     * some syntax we do not know (TRIM(LEADING 'x' ...), N'abc', _utf8mb4'abc', X'1F'): it stays. A '-' is binary.
     */
    private static final int P_OPERAND = 1;
    /** A KEEP keyword: the next literal, including a directly attached '-', stays verbatim. */
    private static final int P_KEEP = 2;
    /** A qualifying '.': what follows is a name ({@code t.1} is column "1" of t), never a number. */
    private static final int P_DOT = 3;

    private static final int KIND_UNKNOWN = 0;
    private static final int KIND_DML = 1;
    private static final int KIND_OTHER = 2;

    /** One pass over one statement text. */
    private final class Pass {
        private final String sql;
        private final int n;
        private int pos;

        private StringBuilder out;       // created on the first lifted literal
        private int copyFrom;            // sql[copyFrom, ...) is not yet copied to out
        private ArrayList<ParamSource> params;
        private int userCount;
        private int depth;
        private int maxDepth;
        private boolean unterminated;
        private boolean inExecComment;   // inside /*! ... */: MySQL runs it, so we lex it, but lift nothing

        private int firstKind = KIND_UNKNOWN;
        // Per statement (reset at ';').
        private boolean kindPending = true;
        private boolean stmtDml;
        private int prev = P_VALUE;
        private Kw prevKw;
        private boolean typeParenPending;
        /** Paren depth of the list in which nothing is lifted, or -1. */
        private int noLiftDepth = -1;
        /** True when that list is a clause (ends at CLAUSE_END keywords), false for a type's parentheses. */
        private boolean noLiftIsClause;

        Pass(String sql) {
            this.sql = sql;
            this.n = sql.length();
        }

        NormalizedSql run() {
            while (pos < n && !unterminated) {
                char c = sql.charAt(pos);
                if (lexer.isSpace(c)) {
                    pos++;     // MySQL treats the ASCII whitespace as separators; other controls: best effort
                    continue;
                }
                switch (c) {
                    case '\'', '"' -> string();
                    case '`' -> backtick();
                    case '#' -> comment();
                    case '/' -> {
                        if (pos + 1 < n && sql.charAt(pos + 1) == '*') {
                            blockComment();
                        } else {
                            operator();
                        }
                    }
                    case '*' -> {
                        int closer = inExecComment ? lexer.executableCommentCloserEnd(sql, pos) : -1;
                        if (closer >= 0) {
                            inExecComment = false;
                            pos = closer;
                        } else {
                            operator();
                        }
                    }
                    case '-' -> minus();
                    case '?' -> userParameter();
                    case '(' -> openParen();
                    case ')' -> closeParen();
                    case ';' -> endStatement();
                    case '.' -> dot();
                    case '@' -> variable();
                    case '=', '<', '>', '!', '+', '%', '^', '&', '|', '~', ',', ':', '{' -> operator();
                    default -> {
                        if (lexer.isIdentifierChar(c)) {
                            word();
                        } else {
                            // '}', '\\', '[' and the like: unknown, so treat as an operand (lifts less after it).
                            significant(null);
                            pos++;
                            after(P_OPERAND);
                        }
                    }
                }
            }
            if (inExecComment) {
                unterminated = true;
            }
            return result();
        }

        private NormalizedSql result() {
            List<ParamSource> list = params == null ? List.of() : params;
            if (unterminated || firstKind != KIND_DML) {
                // Not normalised: the original text stands, so only the user's own '?' are bind values. Literals can
                // only have been lifted before an unterminated string or comment was found: drop them again.
                if (out != null) {
                    ArrayList<ParamSource> users = new ArrayList<>(userCount);
                    for (ParamSource p : list) {
                        if (p instanceof UserParameter) {
                            users.add(p);
                        }
                    }
                    list = users;
                }
                return new NormalizedSql(sql, list, maxDepth, false);
            }
            String template = out == null ? sql : out.append(sql, copyFrom, n).toString();
            return new NormalizedSql(template, list, maxDepth, true);
        }

        // ----------------------------------------------------------------------------------------------------------
        // State helpers
        // ----------------------------------------------------------------------------------------------------------

        /** Called for every significant token but '(' and comments: the first one decides the statement kind. */
        private void significant(Kw kw) {
            if (kindPending) {
                kindPending = false;
                stmtDml = kw != null && kw.is(DML);
                if (firstKind == KIND_UNKNOWN) {
                    firstKind = stmtDml ? KIND_DML : KIND_OTHER;
                }
            }
        }

        private void after(int kind) {
            prev = kind;
            prevKw = null;
            typeParenPending = false;
        }

        private boolean canLift() {
            // Statements after the first are lifted only if the first one is normalised at all: otherwise the
            // original text is returned and any lifted literal would have no '?' to go to.
            return stmtDml && firstKind == KIND_DML && !inExecComment && noLiftDepth < 0;
        }

        private void enterClauseNoLift() {
            if (noLiftDepth < 0) {
                noLiftDepth = depth;
                noLiftIsClause = true;
            }
        }

        private void lift(int start, int end, Object value) {
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(sql, copyFrom, start).append('?');
            copyFrom = end;
            addParam(new Literal(value));
        }

        private void addParam(ParamSource p) {
            if (params == null) {
                params = new ArrayList<>();
            }
            params.add(p);
        }

        // ----------------------------------------------------------------------------------------------------------
        // Tokens
        // ----------------------------------------------------------------------------------------------------------

        private void operator() {
            significant(null);
            pos++;
            after(P_VALUE);
        }

        private void userParameter() {
            significant(null);
            pos++;
            addParam(new UserParameter(++userCount));
            after(P_OPERAND);
        }

        private void openParen() {
            // Not significant for the statement kind: "(SELECT ...) UNION (SELECT ...)" is DML.
            pos++;
            depth++;
            if (depth > maxDepth) {
                maxDepth = depth;
            }
            if (typeParenPending && noLiftDepth < 0) {
                noLiftDepth = depth;    // DECIMAL(10,2): the numbers are part of the type
                noLiftIsClause = false;
            }
            after(P_VALUE);
        }

        private void closeParen() {
            significant(null);
            pos++;
            if (depth > 0) {
                depth--;
            }
            if (noLiftDepth >= 0 && depth < noLiftDepth) {
                noLiftDepth = -1;       // the level holding the ORDER BY / LIMIT / type parameters is closed
            }
            after(P_OPERAND);
        }

        private void endStatement() {
            pos++;
            kindPending = true;
            stmtDml = false;
            noLiftDepth = -1;
            after(P_VALUE);
        }

        /** A comment starts at pos: kept verbatim, it does not change what the previous token was. */
        private void comment() {
            int end = lexer.commentEnd(sql, pos);
            if (end < 0) {
                unterminated = true;
                return;
            }
            pos = end;
        }

        private void blockComment() {
            int opener = inExecComment ? -1 : lexer.executableCommentOpenerEnd(sql, pos);
            if (opener >= 0) {
                // /*!50001 ... */: MySQL executes the content, so lex it as code (its '?' are bind markers, as in
                // Connector/J) but lift nothing from it: its literals are version-dependent and kept as written.
                inExecComment = true;
                pos = opener;
                return;
            }
            // Plain comments and optimizer hints /*+ ... */ are opaque and kept verbatim.
            comment();
        }

        private void minus() {
            char next = pos + 1 < n ? sql.charAt(pos + 1) : 0;
            if (lexer.commentEnd(sql, pos) != pos) {
                comment();      // "-- ": MySQL needs a blank after the dashes to start a comment
                return;
            }
            if (next == '>') {
                // JSON path operators -> and ->>: MySQL requires a string literal path after them.
                significant(null);
                pos += pos + 2 < n && sql.charAt(pos + 2) == '>' ? 3 : 2;
                after(P_KEEP);
                return;
            }
            if ((prev == P_VALUE || prev == P_KEEP)
                    && (isDigit(next) || next == '.' && pos + 2 < n && isDigit(sql.charAt(pos + 2)))) {
                // Unary position: the sign belongs to the literal (user_id=-5 -> user_id=? with -5). In binary
                // position (a-1) the '-' is an operator and only the number is lifted.
                int end = scanNumber(pos + 1);
                if (end > 0) {
                    number(pos, end);
                    return;
                }
            }
            operator();
        }

        private void dot() {
            if (prev != P_OPERAND && prev != P_DOT && pos + 1 < n && isDigit(sql.charAt(pos + 1))) {
                int end = scanNumber(pos);
                if (end > 0) {
                    number(pos, end);   // .5
                    return;
                }
            }
            significant(null);
            pos++;
            after(P_DOT);
        }

        private void number(int start, int end) {
            significant(null);
            pos = end;
            if (prev == P_VALUE && canLift()) {
                Object value = numberValue(start, end);
                if (value != null) {
                    lift(start, end, value);
                }
            }
            after(P_OPERAND);
        }

        private void word() {
            int start = pos;
            if (isDigit(sql.charAt(pos)) && prev != P_DOT) {
                int end = scanNumber(pos);
                if (end > 0) {
                    number(start, end);
                    return;
                }
                // else an identifier that starts with digits (2col, 1e, 0x1F, 0b101): hex and bit literals
                // deliberately end up here too, kept verbatim, since binding them would change their type.
            }
            int end = pos + 1;
            while (end < n && lexer.isIdentifierChar(sql.charAt(end))) {
                end++;
            }
            pos = end;
            if (prev == P_DOT) {
                significant(null);
                after(P_OPERAND);   // t.select, t.1: a qualified name, never a keyword or number
                return;
            }
            Kw kw = Kw.lookup(sql, start, end);
            significant(kw);
            if (kw == null) {
                after(P_OPERAND);
                return;
            }
            if (noLiftDepth == depth && noLiftIsClause && kw.is(CLAUSE_END)) {
                noLiftDepth = -1;   // e.g. HAVING after GROUP BY 1: values are lifted again
            }
            int kind;
            if (kw == Kw.BY && (prevKw == Kw.ORDER || prevKw == Kw.GROUP)) {
                // ORDER BY 2 and GROUP BY 1 are column ordinals, not values: lift nothing in the whole list.
                enterClauseNoLift();
                kind = P_VALUE;
            } else if (kw.is(NO_LIFT)) {
                // LIMIT 5, 10 / LIMIT 10 OFFSET 20 must stay literal; so must window frames (ROWS 2 PRECEDING).
                enterClauseNoLift();
                kind = P_VALUE;
            } else if (kw == Kw.SET && (prevKw == Kw.CHARACTER || prevKw == Kw.CHAR)) {
                kind = P_KEEP;      // CHARACTER SET 'utf8mb4' names a charset
            } else if (kw.is(KEEP)) {
                kind = P_KEEP;
            } else if (kw.is(INTRO)) {
                kind = P_VALUE;
            } else {
                kind = P_OPERAND;
            }
            prev = kind;
            prevKw = kw;
            typeParenPending = kw.is(TYPE);
        }

        private void string() {
            int start = pos;
            significant(null);
            int end = lexer.quotedEnd(sql, start);
            if (end < 0) {
                unterminated = true;
                return;
            }
            // MySQL concatenates adjacent strings ('a' 'b' is 'ab'): they form one literal, lifted or kept whole.
            // Lifting them one by one would leave "? ?", which is not SQL.
            int last = end;
            while (true) {
                int j = last;
                while (j < n && lexer.isSpace(sql.charAt(j))) {
                    j++;
                }
                if (j < n && lexer.isStringQuote(sql.charAt(j))) {
                    int e = lexer.quotedEnd(sql, j);
                    if (e < 0) {
                        unterminated = true;
                        return;
                    }
                    last = e;
                } else {
                    break;
                }
            }
            pos = last;
            if (prev == P_VALUE && canLift()) {
                lift(start, last, stringValue(start, last));
            }
            after(P_OPERAND);
        }

        private void backtick() {
            significant(null);
            int end = lexer.quotedEnd(sql, pos);
            if (end < 0) {
                unterminated = true;
                return;
            }
            pos = end;
            after(P_OPERAND);
        }

        private void variable() {
            // @var, @@session.sql_mode, @'my var', @`v`: a name, never a literal.
            significant(null);
            int i = pos + 1;
            if (i < n && sql.charAt(i) == '@') {
                i++;
            }
            if (i < n && lexer.isQuote(sql.charAt(i))) {
                int end = lexer.quotedEnd(sql, i);
                if (end < 0) {
                    unterminated = true;
                    return;
                }
                i = end;
            } else {
                while (i < n && (lexer.isIdentifierChar(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
            }
            pos = i;
            after(P_OPERAND);
        }

        // ----------------------------------------------------------------------------------------------------------
        // Scanners and values
        // ----------------------------------------------------------------------------------------------------------

        /**
         * The end (exclusive) of the numeric literal starting at p (a digit or '.'), or -1 when the text there is not
         * a pure number: MySQL lexes "2col" or "1e" as identifiers, so a number must not run into an identifier char.
         */
        private int scanNumber(int p) {
            int i = p;
            while (i < n && isDigit(sql.charAt(i))) {
                i++;
            }
            boolean intDigits = i > p;
            if (i < n && sql.charAt(i) == '.') {
                int j = i + 1;
                while (j < n && isDigit(sql.charAt(j))) {
                    j++;
                }
                if (!intDigits && j == i + 1) {
                    return -1;      // a lone '.'
                }
                i = j;
            } else if (!intDigits) {
                return -1;
            }
            if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
                int j = i + 1;
                if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
                    j++;
                }
                int k = j;
                while (k < n && isDigit(sql.charAt(k))) {
                    k++;
                }
                if (k > j) {
                    i = k;
                }
            }
            if (i < n && lexer.isIdentifierChar(sql.charAt(i))) {
                return -1;
            }
            return i;
        }

        /** Long, BigInteger or BigDecimal for sql[start, end) (optionally signed); null if it cannot be represented. */
        private Object numberValue(int start, int end) {
            boolean integer = true;
            for (int i = start; i < end; i++) {
                char c = sql.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') {
                    integer = false;
                    break;
                }
            }
            try {
                if (!integer) {
                    return new BigDecimal(sql.substring(start, end));
                }
                boolean negative = sql.charAt(start) == '-';
                int i = negative ? start + 1 : start;
                while (i < end - 1 && sql.charAt(i) == '0') {
                    i++;            // leading zeros do not count towards the 18 digits that surely fit a long
                }
                if (end - i <= 18) {
                    long v = 0;
                    for (; i < end; i++) {
                        v = v * 10 + (sql.charAt(i) - '0');
                    }
                    return negative ? -v : v;
                }
                BigInteger big = new BigInteger(sql.substring(start, end));
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            } catch (NumberFormatException e) {
                return null;        // e.g. 1e9999999999 (exponent overflow): keep it in the text
            }
        }

        /** The value of one or more adjacent quoted strings in sql[start, end), unescaped by MySQL's rules. */
        private String stringValue(int start, int end) {
            char q = sql.charAt(start);
            boolean plain = sql.charAt(end - 1) == q;
            for (int i = start + 1; plain && i < end - 1; i++) {
                char c = sql.charAt(i);
                plain = c != '\\' && c != q && c != '\'' && c != '"';
            }
            if (plain) {
                return sql.substring(start + 1, end - 1);   // the common case: one string, nothing to unescape
            }
            StringBuilder b = new StringBuilder(end - start);
            int i = start;
            while (i < end) {
                char quote = sql.charAt(i);
                if (quote != '\'' && quote != '"') {
                    i++;            // whitespace between adjacent strings
                    continue;
                }
                i++;
                while (i < end) {
                    char c = sql.charAt(i);
                    if (c == '\\' && i + 1 < end) {
                        appendEscape(b, sql.charAt(i + 1));
                        i += 2;
                    } else if (c == quote) {
                        if (i + 1 < end && sql.charAt(i + 1) == quote) {
                            b.append(quote);
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        b.append(c);
                        i++;
                    }
                }
            }
            return b.toString();
        }

        private static void appendEscape(StringBuilder b, char e) {
            switch (e) {
                case '0' -> b.append('\0');
                case 'b' -> b.append('\b');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'Z' -> b.append((char) 26);
                // \% and \_ keep their backslash so that they still match literally in LIKE patterns.
                case '%', '_' -> b.append('\\').append(e);
                default -> b.append(e);   // \' \" \\ and any other char: the char itself
            }
        }
    }

    private static boolean isDigit(char c) {
        return BaseSqlLexer.isDigit(c);
    }
}
