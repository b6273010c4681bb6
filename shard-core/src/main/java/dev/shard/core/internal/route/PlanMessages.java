package dev.shard.core.internal.route;

final class PlanMessages {

    private PlanMessages() {
    }

    /** Statements go into messages; a 50 KB batch of VALUES should not. */
    static String abbreviate(String sql) {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "...";
    }
}
