package dev.berth.ip;

/**
 * The one strict parser of IP literals behind {@link IpAddresses}, {@link HostAndPort} and
 * {@link Prefix}. Pure string work: it never consults DNS or the network configuration.
 *
 * <p>Accepted: IPv4 as four dotted decimal parts without leading zeros ({@code 10.0.0.1});
 * IPv6 as in RFC 4291 section 2.2 (hex groups, one {@code ::}, an optional dotted IPv4 tail,
 * upper or lower case, leading zeros in groups) with an optional {@code %scope} (an interface
 * name or number). Rejected with a reason: the legacy IPv4 forms that {@code inet_aton} and
 * the JDK still read ({@code 10.1}, {@code 0x7f.0.0.1}, octal {@code 010.0.0.1}, a bare
 * number), names, ports, brackets.
 */
final class IpParser {

    /** Longest scope id accepted; Linux interface names have at most 15 characters. */
    static final int MAX_SCOPE = 64;

    static final String EXPECTED_LITERAL =
            "expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved";

    private IpParser() {}

    /** Why the text is not acceptable; only a message, never a stack trace. */
    static final class Bad extends RuntimeException {
        Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@link #literal} or {@link InvalidAddressException} {@code "TEXT: not an IP address (REASON)"}. */
    static IpAddress parse(String text) {
        try {
            return literal(text);
        } catch (Bad e) {
            throw new InvalidAddressException(text, "not an IP address (" + e.getMessage() + ")");
        }
    }

    /** An IP literal, IPv6 with an optional scope; brackets, names and ports are refused with a reason. */
    static IpAddress literal(String text) {
        if (text == null || text.isEmpty()) {
            throw new Bad("empty; " + EXPECTED_LITERAL);
        }
        if (text.startsWith("[")) {
            String inner = text.endsWith("]") ? Inputs.quote(text.substring(1, text.length() - 1)) : "…";
            throw new Bad("brackets belong in URIs and HOST:PORT; write the address alone, e.g. " + inner);
        }
        int percent = text.indexOf('%');
        String address = percent < 0 ? text : text.substring(0, percent);
        String scope = percent < 0 ? null : text.substring(percent + 1);
        if (address.indexOf(':') >= 0) {
            rejectHostWithPort(address);
            byte[] bytes = ipv6(address);
            return IpAddress.of(bytes, scope == null ? null : scope(scope));
        }
        byte[] bytes = ipv4OrName(address);
        if (scope != null) {
            throw new Bad("a %scope belongs only to IPv6 addresses; write " + address);
        }
        return IpAddress.of(bytes, null);
    }

    static String scope(String scope) {
        if (scope.isEmpty()) {
            throw new Bad("empty scope after '%'; expected: an interface name or number, e.g. fe80::1%eth0");
        }
        if (scope.length() > MAX_SCOPE) {
            throw new Bad("scope is longer than " + MAX_SCOPE + " characters");
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (!(isAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                throw new Bad("unexpected character " + Inputs.quoteChar(c)
                        + " in scope " + Inputs.quote(scope) + "; expected: an interface name or number");
            }
        }
        return scope;
    }

    /** IPv4, or the reason it is not; a syntactically valid host name gets the "names are not resolved" reason. */
    static byte[] ipv4OrName(String text) {
        if (!looksNumeric(text) && HostAndPort.isHostName(text)) {
            throw new Bad(EXPECTED_LITERAL);
        }
        return ipv4(text);
    }

    /** True when every dot-separated label is decimal digits or {@code 0x}-hex: an attempt at IPv4, not a name. */
    static boolean looksNumeric(String text) {
        if (text.isEmpty()) {
            return false;
        }
        int start = 0;
        while (true) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 ? text.length() : dot;
            if (!isNumericLabel(text, start, end)) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    private static boolean isNumericLabel(String s, int from, int to) {
        if (from == to) {
            return true; // an empty part is an IPv4 mistake, reported as such
        }
        if (to - from >= 2 && s.charAt(from) == '0' && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')) {
            for (int i = from + 2; i < to; i++) {
                if (!isHexDigit(s.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
        for (int i = from; i < to; i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Exactly four dotted decimal parts 0-255 without leading zeros. */
    static byte[] ipv4(String text) {
        if (text.isEmpty()) {
            throw new Bad("empty; " + EXPECTED_LITERAL);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isAsciiDigit(c) && c != '.' && !isAsciiLetterOrDigit(c)) {
                throw new Bad("unexpected character " + Inputs.quoteChar(c));
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length == 1 && looksNumeric(text) && !isHex(text)) {
            throw new Bad("a bare number" + legacyReading(parts) + "; expected: four dotted decimal parts, e.g. 10.0.0.1");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw new Bad(i == 0 ? "starts with a dot" : i == parts.length - 1 ? "ends with a dot" : "empty part between dots");
            }
            if (isHex(part)) {
                throw new Bad("hexadecimal part " + Inputs.quote(part) + " is not accepted; expected: decimal parts, e.g. 127.0.0.1");
            }
            for (int j = 0; j < part.length(); j++) {
                if (!isAsciiDigit(part.charAt(j))) {
                    throw new Bad("unexpected character " + Inputs.quoteChar(part.charAt(j)) + " in part " + part);
                }
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw new Bad("leading zero in part " + Inputs.quote(part) + octalReading(part));
            }
            if (part.length() > 3 || Integer.parseInt(part) > 255) {
                throw new Bad("part " + Inputs.quote(part) + " is over 255");
            }
            if (i < 4) {
                bytes[i] = (byte) Integer.parseInt(part);
            }
        }
        if (parts.length < 4) {
            throw new Bad("only " + parts.length + " parts" + legacyReading(parts) + "; expected: four dotted decimal parts");
        }
        if (parts.length > 4) {
            throw new Bad(parts.length + " parts; expected: four dotted decimal parts, e.g. 10.0.0.1");
        }
        return bytes;
    }

    /** RFC 4291 section 2.2 text (no scope): eight groups, or fewer with one {@code ::}; a dotted IPv4 tail allowed. */
    static byte[] ipv6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(isHexDigit(c) || c == ':' || c == '.')) {
                throw new Bad("unexpected character " + Inputs.quoteChar(c));
            }
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            throw new Bad("more than one '::'; it may stand for only one run of zero groups");
        }
        if (text.startsWith(":") && doubleColon != 0) {
            throw new Bad("starts with a single ':'");
        }
        if (text.endsWith(":") && doubleColon != text.length() - 2) {
            throw new Bad("ends with a single ':'");
        }
        int[] head = new int[10];
        int[] tail = new int[10];
        int headCount;
        int tailCount;
        if (doubleColon < 0) {
            headCount = groups(text, 0, text.length(), head, true);
            tailCount = 0;
        } else {
            headCount = groups(text, 0, doubleColon, head, false);
            tailCount = groups(text, doubleColon + 2, text.length(), tail, true);
        }
        int count = headCount + tailCount;
        if (doubleColon < 0 && count != 8) {
            if (count < 8) {
                throw new Bad("only " + count + " groups; expected: 8, or '::' for a run of zero groups");
            }
            throw new Bad(count + " groups; expected: 8");
        }
        if (doubleColon >= 0 && count > 7) {
            throw new Bad(count + " groups besides '::', which stands for at least one; expected: at most 7");
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < headCount; i++) {
            bytes[2 * i] = (byte) (head[i] >>> 8);
            bytes[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tailCount; i++) {
            int g = 8 - tailCount + i;
            bytes[2 * g] = (byte) (tail[i] >>> 8);
            bytes[2 * g + 1] = (byte) tail[i];
        }
        return bytes;
    }

    /** Parses {@code from..to} as colon-separated groups into {@code out}; returns how many 16-bit groups. */
    private static int groups(String text, int from, int to, int[] out, boolean mayEndWithIpv4) {
        if (from == to) {
            return 0;
        }
        int n = 0;
        int start = from;
        while (true) {
            int colon = text.indexOf(':', start);
            int end = colon < 0 || colon > to ? to : colon;
            String group = text.substring(start, end);
            boolean last = end == to;
            if (group.isEmpty()) {
                throw new Bad("empty group");
            }
            if (group.indexOf('.') >= 0) {
                if (!(last && mayEndWithIpv4)) {
                    throw new Bad("an embedded IPv4 address may only be the last 32 bits, e.g. ::ffff:192.0.2.1");
                }
                byte[] v4;
                try {
                    v4 = ipv4(group);
                } catch (Bad e) {
                    throw new Bad("embedded IPv4 " + Inputs.quote(group) + ": " + e.getMessage());
                }
                if (n + 2 > 8) {
                    throw new Bad("more than 8 groups");
                }
                out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                return n;
            }
            if (group.length() > 4) {
                throw new Bad("group " + Inputs.quote(group) + " has more than 4 hex digits");
            }
            if (n == 9) {
                throw new Bad("more than 8 groups");
            }
            out[n++] = Integer.parseInt(group, 16);
            if (last) {
                return n;
            }
            start = end + 1;
        }
    }

    /** {@code 10.0.0.1:80} or {@code example.com:80} where an address alone belongs: say so rather than "unexpected character". */
    private static void rejectHostWithPort(String text) {
        int colon = text.indexOf(':');
        if (colon != text.lastIndexOf(':')) {
            return;
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.isEmpty() || port.isEmpty() || !port.chars().allMatch(IpParser::isAsciiDigit)) {
            return;
        }
        if (!looksNumeric(host) && HostAndPort.isHostName(host)) {
            throw new Bad("a name with a port; " + EXPECTED_LITERAL);
        }
        try {
            ipv4(host);
        } catch (Bad e) {
            return;
        }
        throw new Bad("an address with a port; expected: the address alone, " + host);
    }

    static boolean isHex(String part) {
        return part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) == 'x' || part.charAt(1) == 'X');
    }

    static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHexDigit(char c) {
        return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * ", which legacy parsers read as 10.0.0.1" for the short forms {@code inet_aton(3)} accepts
     * (the last part fills the remaining bytes), or "" when they would reject it too.
     */
    private static String legacyReading(String[] parts) {
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 10 || !p.chars().allMatch(IpParser::isAsciiDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return "";
            }
            values[i] = Long.parseLong(p);
        }
        int n = values.length;
        long last = values[n - 1];
        if (last >= 1L << (8 * (5 - n))) {
            return "";
        }
        long value = last;
        for (int i = 0; i < n - 1; i++) {
            if (values[i] > 255) {
                return "";
            }
            value |= values[i] << (8 * (3 - i));
        }
        return ", which legacy parsers read as " + (value >>> 24) + "." + ((value >>> 16) & 0xff) + "."
                + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }

    /** What a part with a leading zero means to a legacy parser, and what to write instead. */
    private static String octalReading(String part) {
        String decimal = stripLeadingZeros(part);
        if (part.length() <= 4 && part.chars().allMatch(c -> c >= '0' && c <= '7')) {
            int octal = Integer.parseInt(part, 8);
            if (octal == Integer.parseInt(decimal)) {
                return "; write " + decimal;
            }
            return ", which legacy parsers read as octal " + octal + "; write " + decimal + " or " + octal
                    + ", whichever is meant";
        }
        return ", which legacy parsers reject or misread as octal; write " + decimal;
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }
}
