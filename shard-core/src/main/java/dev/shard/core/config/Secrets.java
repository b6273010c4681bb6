package dev.shard.core.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of {@code toString()} and exception messages. Configuration errors and config dumps travel to
 * logs, tickets and chat; passwords must not travel with them.
 */
final class Secrets {

    static final String MASK = "****";

    /** {@code key=value} pairs in URLs whose key names a secret: MySQL/PostgreSQL query params, SQL Server {@code ;k=v}. */
    private static final Pattern URL_PARAM = Pattern.compile(
            "(?i)([^\\s=&;?/:,()]*(?:password|passwd|pwd|secret)[^\\s=&;?/,()]*\\s*=\\s*)([^&;,)\\s]*)");
    /** {@code //user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@?;:\\s]*):([^/@?\\s]*)@");
    /** Oracle thin/oci {@code user/password@host}. */
    private static final Pattern ORACLE = Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:[^/@:\\s]*/)([^@\\s]*)@");

    private Secrets() {
    }

    /** Property names whose values are secrets, including driver properties like {@code dataSource.password}. */
    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("passwd") || k.contains("pwd") || k.contains("secret")
                || k.contains("credential");
    }

    static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_PARAM.matcher(url).replaceAll("$1" + MASK);
        masked = USER_INFO.matcher(masked).replaceAll("$1:" + MASK + "@");
        return ORACLE.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /** The value as it may be shown: secrets replaced, URLs stripped of embedded credentials. */
    static String maskProperty(String key, String value) {
        if (value == null) {
            return null;
        }
        if (key != null && isSecretKey(key)) {
            return MASK;
        }
        if (key != null && key.toLowerCase(Locale.ROOT).endsWith("url")) {
            return maskUrl(value);
        }
        return value;
    }
}
