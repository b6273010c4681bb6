package dev.shard.core.config;

/**
 * The bounds numeric settings are checked against, each as the message that names the setting and the value
 * ({@code settings.slotMapPollMillis must be positive, got 0}), or null when the value is within them.
 */
final class SettingBounds {

    private SettingBounds() {
    }

    /** For a setting that must be more than 0. */
    static String positive(String setting, long value) {
        return value > 0 ? null : "settings." + setting + " must be positive, got " + value;
    }

    /** For a setting that may be 0, which means {@code zeroMeans} ("no checks"), or more. */
    static String zeroOrMore(String setting, long value, String zeroMeans) {
        return value >= 0 ? null : "settings." + setting + " must be 0 (" + zeroMeans + ") or more, got " + value;
    }

    /** The first problem that is not null, or null. */
    static String first(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }
}
