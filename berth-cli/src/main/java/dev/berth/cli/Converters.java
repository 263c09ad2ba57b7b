package dev.berth.cli;

import ch.qos.logback.classic.Level;
import dev.berth.server.config.Durations;
import dev.berth.server.config.InvalidValueException;
import dev.berth.server.config.IpLiterals;
import dev.berth.server.config.Ports;
import dev.berth.server.logging.LogFormat;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters for the values Berth's options take; each error names the value and what was expected. */
final class Converters {

    private Converters() {}

    private static TypeConversionException rejected(InvalidValueException e) {
        return new TypeConversionException(e.getMessage());
    }

    /**
     * A transport name that {@link dev.berth.server.transport.Transport#parse} accepts; kept as text,
     * since choosing may log a fallback and logging is set up after parsing.
     */
    static final class TransportName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                dev.berth.server.transport.Transport.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(value + ": expected one of " + dev.berth.server.transport.Transport.CHOICES);
            }
            return value;
        }
    }

    /** A port to connect to: 1-65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Ports.parse(value, false);
            } catch (InvalidValueException e) {
                throw rejected(e);
            }
        }
    }

    /** A port where 0 means "pick a free one". */
    static final class PortOrZero implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Ports.parse(value, true);
            } catch (InvalidValueException e) {
                throw rejected(e);
            }
        }
    }

    static final class DurationValue implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (InvalidValueException e) {
                throw rejected(e);
            }
        }
    }

    static final class IpLiteral implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return IpLiterals.parse(value);
            } catch (InvalidValueException e) {
                throw rejected(e);
            }
        }
    }

    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException(value + ": expected a whole number >= 1");
        }
    }

    static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long n = Long.parseLong(value.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException(value + ": expected a process id (a whole number >= 1)");
        }
    }

    static final class LogLevel implements ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "trace" -> Level.TRACE;
                case "debug" -> Level.DEBUG;
                case "info" -> Level.INFO;
                case "warn", "warning" -> Level.WARN;
                case "error" -> Level.ERROR;
                default -> throw new TypeConversionException(value + ": expected one of trace, debug, info, warn, error");
            };
        }
    }

    static final class LogFormatValue implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(value + ": expected one of auto, json, text");
            }
        }
    }
}
