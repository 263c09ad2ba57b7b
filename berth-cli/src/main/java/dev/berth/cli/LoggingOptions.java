package dev.berth.cli;

import ch.qos.logback.classic.Level;
import dev.berth.server.logging.LogFormat;
import dev.berth.server.logging.Logging;
import picocli.CommandLine.Option;

/** {@code --log-level} and {@code --log-format}, shared by every server command. */
final class LoggingOptions {

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            converter = Converters.LogLevel.class,
            description = "trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
    Level level;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "auto",
            converter = Converters.LogFormatValue.class,
            description = "auto, json or text (default: ${DEFAULT-VALUE}: text on a terminal, one JSON object per line otherwise).")
    LogFormat format;

    void apply() {
        Logging.configure(format, level);
    }
}
