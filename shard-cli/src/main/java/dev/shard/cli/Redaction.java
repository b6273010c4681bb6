package dev.shard.cli;

import dev.shard.core.config.DataSourceConfig;
import dev.shard.core.config.ShardConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Removes the configuration's secrets from text the tool prints: driver and Flyway messages are copied into the
 * report, and a report is pasted into tickets and chat. Every secret value of every data source is masked wherever
 * it appears, and each raw JDBC URL is replaced by its masked form.
 */
final class Redaction {

    static final String MASK = "****";

    private final List<String[]> replacements;

    private Redaction(List<String[]> replacements) {
        this.replacements = replacements;
    }

    static Redaction of(ShardConfig config) {
        List<String[]> replacements = new ArrayList<>();
        for (DataSourceConfig source : config.dataSources()) {
            String url = source.jdbcUrl();
            if (url != null && !url.equals(source.maskedJdbcUrl())) {
                replacements.add(new String[] {url, source.maskedJdbcUrl()});
            }
            source.poolProperties().forEach((key, value) -> {
                if (isSecretKey(key) && !value.isEmpty()) {
                    replacements.add(new String[] {value, MASK});
                }
            });
        }
        // Longest first, so that a URL is replaced whole before a password inside it.
        replacements.sort(Comparator.comparingInt((String[] r) -> r[0].length()).reversed());
        return new Redaction(List.copyOf(replacements));
    }

    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("passwd") || k.contains("pwd") || k.contains("secret")
                || k.contains("credential");
    }

    String apply(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String[] replacement : replacements) {
            result = result.replace(replacement[0], replacement[1]);
        }
        return result;
    }
}
