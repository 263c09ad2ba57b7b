package dev.berth.ip;

import java.net.InetAddress;

/**
 * IP literals to addresses and back, in pairs of names after Guava's {@code InetAddresses}:
 * {@link #forString} / {@link #isIpLiteral}, {@link #forUriString} / {@link #toUriString}, and
 * {@link #toCanonicalString} / {@link #toExpandedString}. None of them ever consults DNS: a
 * name is an error, not something to look up.
 *
 * <p>Parsing is strict. Accepted: IPv4 as exactly four dotted decimal parts 0-255 without
 * leading zeros ({@code 10.0.0.1}); IPv6 in any RFC 4291 section 2.2 form (eight groups, one
 * {@code ::}, a dotted IPv4 tail, either case, leading zeros in groups) with an optional scope
 * after {@code %} ({@code fe80::1%eth0}, {@code fe80::1%2}). Rejected, each with its reason: the
 * legacy IPv4 forms that {@code inet_aton(3)} and {@link InetAddress#ofLiteral} still read
 * ({@code 10.1}, {@code 0x7f.0.0.1}, octal-looking {@code 010.0.0.1}, a bare number), IPv6
 * groups of more than four hex digits (the JDK takes {@code 00001::} too), names, ports,
 * brackets (except in {@link #forUriString}), surrounding whitespace.
 */
public final class IpAddresses {

    private IpAddresses() {}

    /**
     * Parses an IP literal; see the class comment for what is accepted.
     *
     * @throws InvalidAddressException {@code "TEXT: not an IP address (REASON)"}, e.g.
     *     {@code 010.0.0.1: not an IP address (leading zero in part 010 (legacy parsers read it as octal; ...))}
     */
    public static IpAddress forString(String text) {
        return IpParser.parse(text);
    }

    /** True when {@link #forString} would accept {@code text}. */
    public static boolean isIpLiteral(String text) {
        try {
            IpParser.literal(text);
            return true;
        } catch (IpParser.Bad e) {
            return false;
        }
    }

    /**
     * Parses the host part of a URI, as {@link #toUriString} writes it: IPv4 as is, IPv6 in
     * brackets with a scope written {@code %25} (RFC 6874), {@code [fe80::1%25eth0]}.
     *
     * @throws InvalidAddressException when the text is not an IP address in URI form
     */
    public static IpAddress forUriString(String text) {
        if (text == null || !text.startsWith("[")) {
            IpAddress a = forString(text);
            if (a.isIpv6()) {
                throw new InvalidAddressException(text, "not a URI host (IPv6 needs brackets, e.g. [" + text + "])");
            }
            return a;
        }
        if (!text.endsWith("]")) {
            throw new InvalidAddressException(text, "not a URI host (missing ']')");
        }
        String inner = text.substring(1, text.length() - 1);
        int percent = inner.indexOf('%');
        if (percent >= 0) {
            if (!inner.startsWith("%25", percent) || inner.length() == percent + 3) {
                throw new InvalidAddressException(text, "not a URI host (a scope in a URI is written %25 and a name, e.g. [fe80::1%25eth0])");
            }
            inner = inner.substring(0, percent) + "%" + inner.substring(percent + 3);
        }
        IpAddress a;
        try {
            a = IpParser.literal(inner);
        } catch (IpParser.Bad e) {
            throw new InvalidAddressException(text, "not an IP address (" + e.getMessage() + ")");
        }
        if (a.isIpv4()) {
            throw new InvalidAddressException(text, "not a URI host (brackets are only for IPv6; write " + inner + ")");
        }
        return a;
    }

    /** {@link IpAddress#toCanonicalString()} of a JDK address: {@code 2001:db8::1}, never the JDK's {@code 2001:db8:0:0:0:0:0:1}. */
    public static String toCanonicalString(InetAddress address) {
        return IpAddress.of(address).toCanonicalString();
    }

    /** {@link IpAddress#toExpandedString()} of a JDK address: eight groups of four hex digits; IPv4 as a dotted quad. */
    public static String toExpandedString(InetAddress address) {
        return IpAddress.of(address).toExpandedString();
    }

    /** {@link IpAddress#toUriString()} of a JDK address: {@code [2001:db8::1]}, {@code 10.0.0.1}. */
    public static String toUriString(InetAddress address) {
        return IpAddress.of(address).toUriString();
    }
}
