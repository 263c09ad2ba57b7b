package dev.berth.ip;

import java.util.Objects;
import java.util.Optional;

/**
 * A host and a port as users write them: {@code 10.0.0.1:80}, {@code [::1]:8080},
 * {@code [fe80::1%eth0]:80}, {@code example.com:443}. A host that is a name stays a name: it is
 * checked for syntax only, never resolved. Immutable.
 */
public final class HostAndPort {

    private static final String EXAMPLES = "e.g. 10.0.0.1:80, [::1]:80 or example.com:443";

    private final String host;
    private final IpAddress ip;
    private final int port;

    private HostAndPort(String host, IpAddress ip, int port) {
        this.host = host;
        this.ip = ip;
        this.port = port;
    }

    /** An IP address and a port (0-65535). */
    public static HostAndPort of(IpAddress ip, int port) {
        checkPort(port);
        return new HostAndPort(ip.toCanonicalString(), ip, port);
    }

    /**
     * Parses {@code HOST:PORT} with a port 1-65535; see {@link #parse(String, boolean)}.
     *
     * @throws InvalidAddressException quoting the input, with the reason
     */
    public static HostAndPort parse(String text) {
        return parse(text, false);
    }

    /**
     * Parses {@code HOST:PORT}: an IPv4 literal, a bracketed IPv6 literal (with an optional
     * {@code %scope} inside the brackets) or a host name (letters, digits, {@code -} and
     * {@code _} in dot-separated labels of at most 63 characters, 253 in all, an optional final
     * dot), a colon and a decimal port. Port 0 is accepted only with {@code allowZero} (meaning
     * "any free port").
     *
     * <p>Errors quote the input: {@code ::1:80: ambiguous: IPv6 with a port needs brackets, e.g. [::1]:80},
     * {@code 10.0.0.1: missing port (expected: HOST:PORT, e.g. 10.0.0.1:80)},
     * {@code 10.0.0.1:70000: port 70000 is out of range (expected: 1-65535)}.
     *
     * @throws InvalidAddressException quoting the input, with the reason
     */
    public static HostAndPort parse(String text, boolean allowZero) {
        String range = allowZero ? "0-65535" : "1-65535";
        if (text == null || text.isEmpty()) {
            throw new InvalidAddressException(text, "empty (expected: HOST:PORT, " + EXAMPLES + ")");
        }
        String hostPart;
        String portPart;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new InvalidAddressException(text, "missing ']' after the IPv6 address (expected: [IPv6]:PORT, e.g. [::1]:80)");
            }
            hostPart = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                throw new InvalidAddressException(text, "missing port (expected: " + Inputs.quote(text) + ":PORT)");
            }
            if (rest.charAt(0) != ':') {
                throw new InvalidAddressException(text, "expected ':' and a port after ']', e.g. [" + Inputs.quote(hostPart) + "]:80");
            }
            portPart = rest.substring(1);
            IpAddress v6;
            try {
                v6 = IpParser.literal(hostPart);
            } catch (IpParser.Bad e) {
                throw new InvalidAddressException(text,
                        Inputs.quote(hostPart) + " is not an IPv6 address (" + e.getMessage() + ")");
            }
            if (v6.isIpv4()) {
                throw new InvalidAddressException(text, "brackets are only for IPv6 (expected: " + hostPart + ":PORT)");
            }
            return new HostAndPort(v6.toCanonicalString(), v6, port(text, portPart, allowZero, range));
        }
        int colon = text.lastIndexOf(':');
        if (colon >= 0 && text.indexOf(':') != colon) {
            throw unbracketedIpv6(text);
        }
        if (colon < 0) {
            throw new InvalidAddressException(text, "missing port (expected: HOST:PORT, e.g. " + Inputs.quote(text) + ":80)");
        }
        hostPart = text.substring(0, colon);
        portPart = text.substring(colon + 1);
        if (hostPart.isEmpty()) {
            throw new InvalidAddressException(text, "missing host before ':' (expected: HOST:PORT, " + EXAMPLES + ")");
        }
        int port = port(text, portPart, allowZero, range);
        if (!IpParser.looksNumeric(hostPart) && isHostName(hostPart)) {
            return new HostAndPort(hostPart, null, port);
        }
        IpAddress ip;
        try {
            ip = IpParser.literal(hostPart);
        } catch (IpParser.Bad e) {
            String what = IpParser.looksNumeric(hostPart) || hostPart.indexOf('%') >= 0
                    ? "is not an IP address" : "is neither an IP address nor a host name";
            throw new InvalidAddressException(text, Inputs.quote(hostPart) + " " + what + " (" + e.getMessage() + ")");
        }
        return new HostAndPort(ip.toCanonicalString(), ip, port);
    }

    /** Two or more colons and no brackets: an IPv6 address, with or without a port; either way it needs brackets. */
    private static InvalidAddressException unbracketedIpv6(String text) {
        int colon = text.lastIndexOf(':');
        String head = text.substring(0, colon);
        String tail = text.substring(colon + 1);
        boolean tailIsPort = !tail.isEmpty() && tail.length() <= 5 && tail.chars().allMatch(IpParser::isAsciiDigit);
        if (tailIsPort && IpAddresses.isIpLiteral(head) && IpAddresses.forString(head).isIpv6()) {
            return new InvalidAddressException(text,
                    "ambiguous: IPv6 with a port needs brackets, e.g. [" + head + "]:" + tail);
        }
        if (IpAddresses.isIpLiteral(text)) {
            return new InvalidAddressException(text, "missing port (expected: [" + text + "]:PORT)");
        }
        return new InvalidAddressException(text,
                "not HOST:PORT (an IPv6 address is written in brackets, e.g. [2001:db8::1]:443)");
    }

    private static int port(String text, String portPart, boolean allowZero, String range) {
        if (portPart.isEmpty()) {
            throw new InvalidAddressException(text, "missing port after ':' (expected: " + range + ")");
        }
        if (!portPart.chars().allMatch(IpParser::isAsciiDigit)) {
            throw new InvalidAddressException(text,
                    "port " + Inputs.quote(portPart) + " is not a number (expected: " + range + ")");
        }
        int port = portPart.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(portPart);
        if (port > 65535 || (port == 0 && !allowZero)) {
            throw new InvalidAddressException(text, "port " + Inputs.quote(portPart) + " is out of range (expected: " + range + ")");
        }
        return port;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 0-65535)");
        }
    }

    /**
     * True for a syntactically valid host name: dot-separated labels of 1-63 letters, digits,
     * {@code -} and {@code _}, not starting or ending with {@code -}, at most 253 characters
     * without an optional final dot. Says nothing about whether the name resolves.
     */
    public static boolean isHostName(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = name.charAt(i);
            if (!(IpParser.isAsciiLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The host: an IP address in canonical form ({@code ::1}, {@code fe80::1%eth0}) or the name as written. */
    public String host() {
        return host;
    }

    /** The host's IP address, empty when the host is a name. */
    public Optional<IpAddress> ip() {
        return Optional.ofNullable(ip);
    }

    /** True when the host is a name, not an IP literal. */
    public boolean isName() {
        return ip == null;
    }

    public int port() {
        return port;
    }

    /** {@code 10.0.0.1:80}, {@code [::1]:80}, {@code [fe80::1%eth0]:80}, {@code example.com:443}: what {@link #parse} reads. */
    @Override
    public String toString() {
        return (ip != null && ip.isIpv6() ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostAndPort other && port == other.port && host.equals(other.host) && Objects.equals(ip, other.ip);
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port;
    }
}
