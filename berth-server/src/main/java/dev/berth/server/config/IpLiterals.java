package dev.berth.server.config;

import dev.berth.ip.InvalidAddressException;
import dev.berth.ip.IpAddresses;
import java.net.InetAddress;

/**
 * IP address literals for binding. Never consults DNS: a bind address is where the operator
 * said, not whatever a name resolves to today. Parsing is berth-ip's (strict: no legacy IPv4
 * forms); this adds the brackets users write around IPv6 and the config error type.
 */
public final class IpLiterals {

    private IpLiterals() {}

    /**
     * Parses {@code 127.0.0.1}, {@code ::1} or {@code [::1]}.
     *
     * @throws InvalidValueException {@code "TEXT: not an IP address (REASON)"}, berth-ip's words
     */
    public static InetAddress parse(String text) {
        String value = text == null ? "" : text;
        if (value.startsWith("[") && value.endsWith("]") && value.length() > 2) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return IpAddresses.forString(value).toInetAddress();
        } catch (InvalidAddressException e) {
            throw new InvalidValueException(text + ": " + e.problem());
        }
    }
}
