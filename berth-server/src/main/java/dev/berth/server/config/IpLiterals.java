package dev.berth.server.config;

import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * IP address literals for binding. Never consults DNS: a bind address is where the operator
 * said, not whatever a name resolves to today.
 */
public final class IpLiterals {

    // Four dotted decimal parts only: InetAddress.ofLiteral also takes the legacy "10.1" forms.
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private IpLiterals() {}

    /**
     * Parses {@code 127.0.0.1}, {@code ::1} or {@code [::1]}.
     *
     * @throws InvalidValueException quoting the input when it is not an IP literal
     */
    public static InetAddress parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            if (value.indexOf(':') >= 0) {
                return InetAddress.ofLiteral(value);
            }
            if (DOTTED_QUAD.matcher(value).matches()) {
                return InetAddress.ofLiteral(value);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the common message
        }
        throw new InvalidValueException(
                text + ": not an IP address (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)");
    }
}
