package dev.berth.proxy.config;

import dev.berth.server.config.InvalidValueException;
import dev.berth.server.config.IpLiterals;
import dev.berth.server.config.Ports;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * {@code host:port} and {@code [v6]:port} as written in the file, and back. Never consults DNS.
 * Error messages quote the text and say what was expected; the caller adds the path.
 */
final class Addresses {

    /** An address split into its parts, not yet checked beyond the syntax. */
    record HostPort(String host, String port) {}

    private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");
    // RFC 1123 labels; '_' tolerated because service names use it. The last label may not be
    // all digits, so a mistyped IPv4 address such as 10.0.0.256 is not taken for a name.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private Addresses() {}

    /** Splits {@code host:port} / {@code [v6]:port}; the port is not yet range-checked. */
    static HostPort split(String text) {
        if (text.isEmpty()) {
            throw new InvalidValueException("empty address (expected: host:port, such as 127.0.0.1:8080)");
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidValueException("'" + text + "' contains whitespace (expected: host:port, such as 127.0.0.1:8080)");
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new InvalidValueException("'" + text + "' has no closing ']' (expected: [v6]:port, such as [::1]:8080)");
            }
            String host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.isEmpty() || rest.equals(":")) {
                throw new InvalidValueException("'" + text + "' has no port (expected: [v6]:port, such as [::1]:8080)");
            }
            if (!rest.startsWith(":")) {
                throw new InvalidValueException("'" + text + "': expected ':' and a port after ']' (as in [::1]:8080)");
            }
            return new HostPort(host, rest.substring(1));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0 || colon == text.length() - 1 && text.indexOf(':') == colon) {
            throw new InvalidValueException("'" + text + "' has no port (expected: host:port, such as 127.0.0.1:8080)");
        }
        if (text.indexOf(':') != colon) {
            throw new InvalidValueException("'" + text + "': an IPv6 address needs brackets before the port, as in " + bracketHint(text));
        }
        if (colon == 0) {
            throw new InvalidValueException("'" + text + "' has no host (expected: host:port, such as 0.0.0.0" + text + ")");
        }
        return new HostPort(text.substring(0, colon), text.substring(colon + 1));
    }

    private static String bracketHint(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (DIGITS.matcher(port).matches()) {
            try {
                InetAddress.ofLiteral(host);
                return "[" + host + "]:" + port;
            } catch (IllegalArgumentException e) {
                // not "v6:port"; fall back to a generic example
            }
        }
        return "[::1]:8080";
    }

    /** A port 1-65535, checked with {@link Ports}; the message names it, since the path is the whole address. */
    static int port(String text) {
        if (DIGITS.matcher(text).matches()) {
            try {
                return Ports.parse(text, false);
            } catch (InvalidValueException e) {
                // reworded below, in the form the rest of the file's errors take
            }
        }
        String shown = text.matches("\\d+") ? text : "'" + text + "'";
        throw new InvalidValueException("port " + shown + " (expected: 1-65535)");
    }

    /** A bind address: an IP literal and a port 1-65535. */
    static InetSocketAddress bind(String text) {
        HostPort hp = split(text);
        InetAddress ip = IpLiterals.parse(hp.host());
        return new InetSocketAddress(ip, port(hp.port()));
    }

    /** Whether {@code host} is a syntactically valid DNS name (not an IP literal). */
    static boolean isHostName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** The IP literal in {@code host}, or {@code null} when it is not one. */
    static InetAddress literalOrNull(String host) {
        try {
            return IpLiterals.parse(host);
        } catch (InvalidValueException e) {
            return null;
        }
    }

    /** {@code 127.0.0.1:15000}, {@code [::1]:15001}. */
    static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = format(ip);
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** An IP in its shortest standard form (RFC 5952 for IPv6, lower case, longest zero run as {@code ::}). */
    static String format(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        String full = ip.getHostAddress();
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.append(scope).toString();
    }
}
