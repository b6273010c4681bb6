package dev.shard.core.config;

import java.util.function.Function;

/**
 * <code>${VAR}</code> and <code>${VAR:default}</code> in configuration values, so secrets and per-environment hosts
 * stay out of the file. <code>$${</code> is a literal <code>${</code>. The result is not substituted again: a
 * variable's value is taken as is, which keeps a password that happens to contain <code>${</code> intact.
 */
final class EnvSubstitution {

    private EnvSubstitution() {
    }

    /**
     * @param where the key the value belongs to (e.g. {@code dataSources.ds1.password}), for messages
     * @throws ShardConfigException for an unset variable without default, an empty name or an unterminated
     *                              reference. Messages name the variable and key, never the value or default, which
     *                              may be secret.
     */
    static String substitute(String value, Function<String, String> env, String source, String where) {
        if (value == null || value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new ShardConfigException(source + ": unterminated '${' in the value of " + where
                            + "; close it with '}' or write '$${' for a literal '${'");
                }
                String expression = value.substring(i + 2, end);
                int colon = expression.indexOf(':');
                String name = colon < 0 ? expression : expression.substring(0, colon);
                String fallback = colon < 0 ? null : expression.substring(colon + 1);
                if (name.isBlank()) {
                    throw new ShardConfigException(source + ": empty variable name in '${...}' in the value of "
                            + where);
                }
                String resolved = env.apply(name);
                if (resolved == null) {
                    if (fallback == null) {
                        throw new ShardConfigException(source + ": environment variable '" + name
                                + "' is not set (used in " + where + "); set it, or give a default with ${" + name
                                + ":default}");
                    }
                    resolved = fallback;
                }
                out.append(resolved);
                i = end + 1;
            } else {
                out.append(value.charAt(i));
                i++;
            }
        }
        return out.toString();
    }
}
