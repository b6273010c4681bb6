package dev.shard.jdbc.tools;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the weight tables Shard routes string shard keys by (see {@code CollationWeights} in shard-core): for
 * every BMP code point, the server's {@code WEIGHT_STRING} of that one character under the collation, as a count
 * of 16-bit units and the units, each unit written as its difference from the unit at the same position of the
 * previous code point's weight (mostly constant, so the gzipped file stays small). Run it against a MariaDB or MySQL server when a table is added:
 * <pre>
 * java -cp shard-jdbc/target/test-classes:$(mysql-connector-j jar) dev.shard.jdbc.tools.CollationWeightsGenerator \
 *     "jdbc:mysql://127.0.0.1:3306/?user=root" shard-core/src/main/resources/dev/shard/core/internal/hash
 * </pre>
 * Surrogate code points cannot be stored in utf8mb4 and are written with no weight; supplementary characters are
 * not in the table (both collations give them all the weight 0xFFFD). {@code CollationWeightsIT} checks the
 * shipped tables against the server.
 */
public final class CollationWeightsGenerator {

    static final String[] COLLATIONS = {"utf8mb4_general_ci", "utf8mb4_unicode_ci"};
    /** Both servers stop a recursive CTE after 1000 iterations by default. */
    private static final int CHUNK = 1000;

    private CollationWeightsGenerator() {
    }

    public static void main(String[] args) throws SQLException, IOException {
        if (args.length != 2) {
            System.err.println("usage: CollationWeightsGenerator <jdbc url> <output directory>");
            System.exit(2);
        }
        try (Connection connection = DriverManager.getConnection(args[0])) {
            for (String collation : COLLATIONS) {
                Path file = Path.of(args[1], collation + ".weights");
                try (OutputStream out = Files.newOutputStream(file)) {
                    write(connection, collation, out);
                }
                System.out.println("wrote " + file + " (" + Files.size(file) + " bytes)");
            }
        }
    }

    static void write(Connection connection, String collation, OutputStream target) throws SQLException, IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(target))) {
            char[] previous = new char[0];
            try (Statement statement = connection.createStatement()) {
                for (int start = 0; start < 0x10000; start += CHUNK) {
                    int last = Math.min(start + CHUNK, 0x10000) - 1;
                    String sql = "WITH RECURSIVE n(cp) AS (SELECT " + start + " UNION ALL SELECT cp + 1 FROM n"
                            + " WHERE cp < " + last + ") SELECT cp, WEIGHT_STRING(CONVERT(CHAR(cp"
                            + " USING utf32) USING utf8mb4) COLLATE " + collation + ") FROM n ORDER BY cp";
                    try (ResultSet rows = statement.executeQuery(sql)) {
                        int expected = start;
                        while (rows.next()) {
                            int cp = rows.getInt(1);
                            if (cp != expected++) {
                                throw new IllegalStateException("missing code point " + (expected - 1));
                            }
                            byte[] weight = cp >= 0xD800 && cp <= 0xDFFF ? null : rows.getBytes(2);
                            int units = weight == null ? 0 : weight.length / 2;
                            if (weight != null && weight.length % 2 != 0 || units > 255) {
                                throw new IllegalStateException("unexpected weight of U+" + Integer.toHexString(cp));
                            }
                            out.writeByte(units);
                            char[] current = new char[units];
                            for (int i = 0; i < units; i++) {
                                current[i] = (char) ((weight[2 * i] & 0xFF) << 8 | weight[2 * i + 1] & 0xFF);
                                out.writeChar(current[i] - (i < previous.length ? previous[i] : 0));
                            }
                            previous = current;
                        }
                        if (expected != last + 1) {
                            throw new IllegalStateException("the server returned code points up to " + (expected - 1)
                                    + ", not " + last);
                        }
                    }
                }
            }
        }
    }
}
