package dev.shard.cli.reshard;

/** The phases of a reshard, in order; {@link #label} is how the tool's output and {@code status} name them. */
public enum Phase {
    PLAN("plan"),
    /** The schema on the data sources that receive slots. */
    PREPARE("prepare"),
    COPY("copy"),
    CATCH_UP("catch-up"),
    VERIFY("verify"),
    SWITCH("switch"),
    CLEANUP("cleanup"),
    DONE("done");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static Phase ofLabel(String label) {
        for (Phase phase : values()) {
            if (phase.label.equals(label)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("unknown reshard phase '" + label + "'");
    }
}
