package dev.berth.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Configures Logback for a Berth process: records go to standard error in the chosen format. */
public final class Logging {

    /** Text records: time, level, logger, message, then the key-value fields. */
    public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger %msg %kvp%n%ex{short}";

    private static volatile boolean configured;

    private Logging() {}

    /**
     * Replaces whatever configuration Logback found with one console appender on standard
     * error.
     *
     * @param format {@link LogFormat#AUTO} is resolved here
     * @param level  the root level (trace, debug, info, warn, error)
     */
    public static void configure(LogFormat format, Level level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        configured = true;

        Encoder<ILoggingEvent> encoder;
        if (format.resolve() == LogFormat.JSON) {
            encoder = new JsonLogEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(TEXT_PATTERN);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(appender);
        // Netty's own debug output is for Netty developers; keep it out unless asked for trace.
        context.getLogger("io.netty").setLevel(level == Level.DEBUG ? Level.INFO : level);
        // In a network namespace with only loopback (a common sidecar setup) Netty warns that it
        // found no MAC address for channel ids and uses random bytes: harmless, and not ours.
        context.getLogger("io.netty.util.internal.MacAddressUtil").setLevel(Level.ERROR);
    }

    /**
     * Flushes and stops logging; call once just before the process exits. A command that never
     * configured logging (a one-shot tool) skips this: starting Logback only to stop it costs
     * a few hundred milliseconds.
     */
    public static void shutdown() {
        if (configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
