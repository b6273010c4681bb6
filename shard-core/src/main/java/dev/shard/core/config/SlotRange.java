package dev.shard.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An inclusive range of slots, written "12" or "0-4095" in configuration ({@code slots:}). Only the lower bound is
 * checked here; whether {@code to} fits below the slot count is checked when the configuration is built, because
 * only there can the message name the data source that owns the range.
 */
public record SlotRange(int from, int to) {

    // \d is ASCII-only in Java unless UNICODE_CHARACTER_CLASS is set, which is what a config file should accept.
    private static final Pattern SYNTAX = Pattern.compile("(\\d+)(?:\\s*-\\s*(\\d+))?");

    public SlotRange {
        if (from < 0) {
            throw new IllegalArgumentException("invalid slot range " + from + "-" + to + ": slots cannot be negative");
        }
        if (to < from) {
            throw new IllegalArgumentException(
                    "invalid slot range " + from + "-" + to + ": " + from + " is greater than " + to);
        }
    }

    public static SlotRange of(int slot) {
        return new SlotRange(slot, slot);
    }

    public static SlotRange parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("slot range must not be null");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException("invalid slot range '" + text + "': slots cannot be negative");
        }
        Matcher m = SYNTAX.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid slot range '" + text
                    + "': expected a slot such as \"12\" or an inclusive range such as \"0-4095\"");
        }
        int from = parseSlot(m.group(1), text);
        int to = m.group(2) == null ? from : parseSlot(m.group(2), text);
        if (to < from) {
            throw new IllegalArgumentException(
                    "invalid slot range '" + text + "': " + from + " is greater than " + to);
        }
        return new SlotRange(from, to);
    }

    private static int parseSlot(String digits, String text) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid slot range '" + text + "': " + digits + " is too large", e);
        }
    }

    public int size() {
        return to - from + 1;
    }

    public boolean contains(int slot) {
        return slot >= from && slot <= to;
    }

    /** The configuration form, so that {@code parse(r.toString())} gives {@code r} back. */
    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
