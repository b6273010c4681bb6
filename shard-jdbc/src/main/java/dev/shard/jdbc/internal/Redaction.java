package dev.shard.jdbc.internal;

import dev.shard.core.config.DataSourceConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a data source's secrets out of the exceptions Shard throws when its pool cannot start. Drivers and
 * HikariCP quote the JDBC URL in their own messages (HikariCP: "Failed to get driver instance for jdbcUrl=..."),
 * masking at most a {@code password=} parameter, so credentials written as {@code //user:password@host} would
 * reach logs through the cause chain even though Shard's own message is masked.
 */
final class Redaction {

    static final String MASK = "****";
    /** Cause chains are short; the bound only guards against a cycle. */
    private static final int MAX_CHAIN = 32;

    private final String url;
    private final String maskedUrl;
    private final List<String> secrets;

    private Redaction(String url, String maskedUrl, List<String> secrets) {
        this.url = url;
        this.maskedUrl = maskedUrl;
        this.secrets = secrets;
    }

    static Redaction of(DataSourceConfig source) {
        List<String> secrets = new ArrayList<>();
        for (Map.Entry<String, String> property : source.poolProperties().entrySet()) {
            if (isSecretKey(property.getKey()) && !property.getValue().isEmpty()) {
                secrets.add(property.getValue());
            }
        }
        String url = source.jdbcUrl();
        String masked = source.maskedJdbcUrl();
        if (url != null && !url.equals(masked)) {
            secrets.addAll(maskedParts(url, masked));
        }
        // Longest first, so that a secret containing another is replaced whole.
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return new Redaction(url, masked, List.copyOf(secrets));
    }

    /** The same property names shard-core's DataSourceConfig.toString() masks. */
    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("passwd") || k.contains("pwd") || k.contains("secret")
                || k.contains("credential");
    }

    /** What masking replaced: the URL read against its masked form, where each mask stands for one secret. */
    private static List<String> maskedParts(String url, String masked) {
        String[] literal = masked.split(Pattern.quote(MASK), -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(literal[0]));
        for (int i = 1; i < literal.length; i++) {
            regex.append("(.*?)").append(Pattern.quote(literal[i]));
        }
        Matcher matcher = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(url);
        List<String> parts = new ArrayList<>();
        if (matcher.matches()) {
            for (int g = 1; g <= matcher.groupCount(); g++) {
                if (!matcher.group(g).isEmpty()) {
                    parts.add(matcher.group(g));
                }
            }
        }
        return parts;
    }

    String apply(String text) {
        if (text == null) {
            return null;
        }
        String result = url != null ? text.replace(url, maskedUrl) : text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    /**
     * The exception itself when no message in its cause chain holds a secret; otherwise a copy of the chain with
     * masked messages and the original stack traces, each link naming the exception class it stands for.
     */
    Throwable apply(Throwable error) {
        if (!leaks(error)) {
            return error;
        }
        List<Throwable> chain = chain(error);
        Throwable copy = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable original = chain.get(i);
            Throwable redacted = new RedactedException(original.getClass().getName(), apply(original.getMessage()),
                    copy);
            redacted.setStackTrace(original.getStackTrace());
            copy = redacted;
        }
        return copy;
    }

    private boolean leaks(Throwable error) {
        for (Throwable t : chain(error)) {
            String message = t.getMessage();
            if (message != null && !message.equals(apply(message))) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (leaks(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && chain.size() < MAX_CHAIN && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Stands in for an exception whose message had to be masked; prints as that exception would. */
    static final class RedactedException extends Exception {

        private static final long serialVersionUID = 1L;
        private final String originalClass;

        RedactedException(String originalClass, String message, Throwable cause) {
            super(message, cause);
            this.originalClass = originalClass;
        }

        /** The class of the exception this one replaces. */
        String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            String message = getLocalizedMessage();
            return message == null ? originalClass : originalClass + ": " + message;
        }
    }
}
