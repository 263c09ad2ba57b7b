package dev.berth.proxy.accesslog;

import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.server.listen.SocketAddresses;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats a finished connection as one line of JSON (the access log's only format).
 *
 * <p>Written by hand into one {@link StringBuilder}: a record is formatted for every proxied
 * connection, and building a Jackson generator per record cost more than the rest of the
 * record together in the connection-rate profile. The output is plain JSON, the same a JSON
 * library would write: fields in a fixed order, strings escaped, absent values {@code null}.
 */
public final class AccessLogFormat {

    /** The {@code start} text up to the second, for the second most recently formatted. */
    private record SecondPrefix(long epochSecond, String text) {}

    private static final String HEX = "0123456789ABCDEF";

    private static volatile SecondPrefix lastSecond = new SecondPrefix(Long.MIN_VALUE, "");

    private AccessLogFormat() {}

    public static String format(ConnectionInfo c) {
        StringBuilder b = new StringBuilder(448);
        b.append("{\"start\":\"");
        appendInstant(b, c.startEpochMillis());
        b.append("\",\"duration_ms\":").append(c.durationNanos() / 1_000_000);
        field(b, "listener", c.listener());
        field(b, "downstream", c.downstreamPeer());
        field(b, "client", c.client());
        field(b, "local", c.downstreamLocal());
        field(b, "cluster", c.cluster());
        field(b, "upstream", c.upstreamEndpoint());
        field(b, "upstream_local", c.upstreamLocal());
        b.append(",\"connect_attempts\":").append(c.connectAttempts());
        field(b, "cause", c.connectFailure() == null ? null : c.connectFailure().label());
        b.append(",\"bytes_received\":").append(c.bytesFromDownstream());
        b.append(",\"bytes_sent\":").append(c.bytesToDownstream());
        field(b, "first_fin", c.firstFin() == null ? null : c.firstFin().label());
        field(b, "termination", c.termination() == null ? null : c.termination().name().toLowerCase(Locale.ROOT));
        field(b, "reason", c.reason() == null ? null : c.reason().name());
        field(b, "detail", c.detail() != null ? c.detail() : c.reason() == null ? null : c.reason().meaning());
        return b.append('}').toString();
    }

    /** ISO-8601 UTC as {@link DateTimeFormatter#ISO_INSTANT} writes it: milliseconds only when not zero. */
    static void appendInstant(StringBuilder b, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        SecondPrefix p = lastSecond;
        if (p.epochSecond() != second) {
            String full = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second));
            p = new SecondPrefix(second, full.substring(0, full.length() - 1)); // without the Z
            lastSecond = p;
        }
        b.append(p.text());
        if (millis != 0) {
            b.append('.');
            if (millis < 100) {
                b.append('0');
            }
            if (millis < 10) {
                b.append('0');
            }
            b.append(millis);
        }
        b.append('Z');
    }

    private static void field(StringBuilder b, String name, InetSocketAddress address) {
        field(b, name, address == null ? null : SocketAddresses.format(address));
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        if (value == null) {
            b.append("null");
            return;
        }
        b.append('"');
        appendEscaped(b, value);
        b.append('"');
    }

    /** JSON string escaping (RFC 8259 §7): quote, backslash and control characters. */
    static void appendEscaped(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (ch < 0x20) {
                        b.append("\\u00").append(HEX.charAt(ch >> 4)).append(HEX.charAt(ch & 0xF));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
    }
}
