package dev.berth.proxy.config;

import java.nio.file.Path;

/**
 * Where a listener's access log goes: one JSON object per connection, written at close.
 *
 * @param target standard output (default), a file, or off
 * @param path   the file when {@code target} is {@link Target#FILE}, else {@code null}
 */
public record AccessLogConfig(Target target, Path path) {

    /** Where records are written. */
    public enum Target {
        STDOUT,
        FILE,
        OFF
    }

    public static final AccessLogConfig STDOUT = new AccessLogConfig(Target.STDOUT, null);
}
