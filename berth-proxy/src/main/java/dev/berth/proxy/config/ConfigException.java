package dev.berth.proxy.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration was rejected. Carries every error found, not just the first, so one edit-run
 * cycle fixes them all. A user's mistake, not a bug: print {@link #getMessage()}, never the stack trace.
 */
public final class ConfigException extends RuntimeException {

    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors in file order (line, then column). */
    public List<ConfigError> errors() {
        return errors;
    }
}
