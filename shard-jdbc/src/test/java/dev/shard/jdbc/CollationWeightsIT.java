package dev.shard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shard.core.internal.hash.CollationWeights;
import dev.shard.jdbc.testing.MySqlServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The weight tables Shard ships (and routes string shard keys by) give what the server's {@code WEIGHT_STRING}
 * gives, for strings with case, accents, 'ß', ligatures, ignorable and supplementary characters and trailing
 * spaces, and for random strings over the BMP.
 */
class CollationWeightsIT {

    static final List<String> SAMPLES = List.of("Straße", "strase", "STRASSE", "strasse", "ß", "ss", "s", "S",
            "Alice", "alice ", "ALICE  ", "Ångström", "angstrom", "æ", "ae", "Æsir", "ﬁ", "fi", "Ǆ", "dž", "é", "e",
            "E", "ö", "o", "œ", "ø", "ı", "i", "İ", "ŉ", "42", "４２", "4²", "x\t", "x\u0001", "a \u0001", "😀",
            "a😀b", "", " ", "Ω", "ω", "Ω", "ς", "σ", "Σ", "ﬀ", "Ⅻ", "xii", "中文", "日本語", "한국어", "ÿ", "Ÿ",
            "\u00A0", "a\u0300", "à", "z\u200Bz", "zz");

    @ParameterizedTest
    @ValueSource(strings = {"utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_bin"})
    void shippedWeightsMatchTheServer(String collation) throws SQLException {
        MySqlServer server = MySqlServer.require();
        CollationWeights weights = CollationWeights.of(collation);
        List<String> strings = new ArrayList<>(SAMPLES);
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                int cp;
                do {
                    cp = random.nextInt(0x10000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                sb.appendCodePoint(cp);
            }
            strings.add(sb.toString());
        }
        try (Connection c = server.connect("information_schema");
             PreparedStatement s = c.prepareStatement("SELECT WEIGHT_STRING(CONVERT(? USING utf8mb4) COLLATE "
                     + collation + ")")) {
            for (String string : strings) {
                s.setString(1, string);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(HexFormat.of().formatHex(weights.weightString(string)))
                            .as("weight of '%s' (%s) under %s", string, codePoints(string), collation)
                            .isEqualTo(HexFormat.of().formatHex(rs.getBytes(1)));
                }
            }
        }
    }

    private static String codePoints(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(sb.length() == 0 ? "" : " ").append("U+").append(Integer.toHexString(cp)));
        return sb.toString();
    }
}
