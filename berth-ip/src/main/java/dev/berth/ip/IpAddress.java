package dev.berth.ip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One IPv4 or IPv6 address, immutable, with the IPv6 scope ({@code %eth0}, {@code %2}) when it
 * has one. Obtained from text with {@link IpAddresses#forString} or from the JDK with
 * {@link #of(InetAddress)}; nothing here ever consults DNS.
 *
 * <p>Unlike {@link InetAddress}, an IPv4-mapped IPv6 address stays IPv6: {@code ::ffff:10.0.0.1}
 * is an IPv6 address that {@link #embeddedIpv4() embeds} {@code 10.0.0.1}, not the IPv4 address
 * itself, so tools can show what the user typed. {@link #unmapped()} gives the IPv4 address when
 * the traffic is what matters (matching rules, connecting).
 *
 * <p>Equality is by family, the address bits and the scope text: {@code fe80::1%eth0} and
 * {@code fe80::1} differ, and so do {@code 10.0.0.1} and {@code ::ffff:10.0.0.1}.
 */
public final class IpAddress implements Comparable<IpAddress> {

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final byte[] bytes;
    private final String scope;

    private IpAddress(byte[] bytes, String scope) {
        this.bytes = bytes;
        this.scope = scope;
    }

    /** Takes ownership of {@code bytes}; {@code scope} already checked. */
    static IpAddress of(byte[] bytes, String scope) {
        return new IpAddress(bytes, scope);
    }

    /**
     * The address with these bytes: 4 for IPv4, 16 for IPv6 (an IPv4-mapped address stays IPv6).
     *
     * @throws IllegalArgumentException when there are not 4 or 16 bytes
     */
    public static IpAddress ofBytes(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException(bytes.length + " bytes (expected: 4 for IPv4 or 16 for IPv6)");
        }
        return new IpAddress(bytes.clone(), null);
    }

    /**
     * The IPv6 address with these bytes and scope (an interface name or number), as in
     * {@code fe80::1%eth0}.
     *
     * @throws InvalidAddressException when {@code scope} is empty or has characters other than
     *     letters, digits, {@code -}, {@code _} and {@code .}
     * @throws IllegalArgumentException when there are not 16 bytes
     */
    public static IpAddress ofIpv6(byte[] bytes, String scope) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException(bytes.length + " bytes (expected: 16 for IPv6)");
        }
        if (scope == null) {
            return new IpAddress(bytes.clone(), null);
        }
        try {
            return new IpAddress(bytes.clone(), IpParser.scope(scope));
        } catch (IpParser.Bad e) {
            throw new InvalidAddressException(scope, "not a scope (" + e.getMessage() + ")");
        }
    }

    /**
     * The same address as a JDK one. An {@link Inet6Address}'s scope is kept: the interface's
     * name when the JDK knows it, else the scope number. The JDK never hands out IPv4-mapped
     * {@code Inet6Address}es from its parsers, but one built with
     * {@link Inet6Address#getByAddress(String, byte[], int)} stays IPv6 here too.
     */
    public static IpAddress of(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (address instanceof Inet6Address v6) {
            String scope = null;
            if (v6.getScopedInterface() != null) {
                scope = v6.getScopedInterface().getName();
            } else if (v6.getScopeId() != 0) {
                scope = Integer.toString(v6.getScopeId());
            }
            return new IpAddress(v6.getAddress(), scope);
        }
        return new IpAddress(address.getAddress(), null);
    }

    public IpFamily family() {
        return bytes.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    public boolean isIpv4() {
        return bytes.length == 4;
    }

    public boolean isIpv6() {
        return bytes.length == 16;
    }

    /** The address bits in network order, a fresh copy: 4 or 16 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Byte {@code i} as 0-255. */
    int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    /** The IPv6 scope as written after {@code %}: an interface name or number. */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /** This address without its scope. */
    public IpAddress withoutScope() {
        return scope == null ? this : new IpAddress(bytes, null);
    }

    /** True for {@code ::ffff:0:0/96}, the IPv4-mapped IPv6 addresses (RFC 4291 section 2.5.5.2). */
    public boolean isIpv4Mapped() {
        return bytes.length == 16 && Arrays.equals(bytes, 0, 12, MAPPED_PREFIX, 0, 12);
    }

    /**
     * The IPv4 address an IPv4-mapped address stands for ({@code ::ffff:10.0.0.1} → {@code 10.0.0.1});
     * any other address unchanged. Matching and connecting use this: a mapped address is IPv4
     * traffic on a dual-stack socket.
     */
    public IpAddress unmapped() {
        return isIpv4Mapped() ? new IpAddress(Arrays.copyOfRange(bytes, 12, 16), null) : this;
    }

    /**
     * The IPv4 address inside this IPv6 address, when its class defines one: IPv4-mapped and
     * IPv4-compatible (the last 32 bits), NAT64 well-known prefix {@code 64:ff9b::/96} (the last
     * 32 bits, RFC 6052), 6to4 (bits 16-47, RFC 3056), Teredo (the client's public address:
     * the last 32 bits inverted, RFC 4380 section 4). Empty for IPv4 and other IPv6 addresses.
     */
    public Optional<IpAddress> embeddedIpv4() {
        return Optional.ofNullable(Classifier.embeddedIpv4(this));
    }

    /** Every class that applies, e.g. {@code [IPV4_MAPPED]} or {@code [TEREDO, GLOBAL]}; never empty. */
    public Set<AddressClass> classes() {
        return Classifier.classes(this);
    }

    /** The one class that says most about this address: the first of {@link #classes()} in {@link AddressClass} order. */
    public AddressClass primaryClass() {
        return classes().iterator().next();
    }

    /** How far from this host the address can be reached; an IPv4-mapped address as its IPv4 address. */
    public Reach reach() {
        return Classifier.reach(this);
    }

    /** True when {@link #reach()} is {@link Reach#GLOBAL}: routable across the internet. */
    public boolean isGlobal() {
        return reach() == Reach.GLOBAL;
    }

    /**
     * RFC 5952 text: {@code 10.0.0.1}; {@code 2001:db8::1} (lower case, no leading zeros, the
     * longest run of two or more zero groups as {@code ::}, the first on a tie); IPv4-mapped
     * addresses in the mixed form RFC 5952 section 5 recommends, {@code ::ffff:10.0.0.1}; the
     * scope after {@code %}.
     */
    public String toCanonicalString() {
        if (isIpv4()) {
            return dotted(0);
        }
        StringBuilder sb = new StringBuilder(48);
        if (isIpv4Mapped()) {
            sb.append("::ffff:").append(dotted(12));
        } else {
            compressed(sb);
        }
        if (scope != null) {
            sb.append('%').append(scope);
        }
        return sb.toString();
    }

    /**
     * Every group written out: {@code 2001:0db8:0000:0000:0000:0000:0000:0001} (eight groups of
     * four lower-case hex digits, also for IPv4-mapped addresses) and the scope after {@code %}.
     * IPv4 stays a dotted quad, {@code 10.0.0.1}.
     */
    public String toExpandedString() {
        if (isIpv4()) {
            return dotted(0);
        }
        StringBuilder sb = new StringBuilder(48);
        for (int g = 0; g < 8; g++) {
            if (g > 0) {
                sb.append(':');
            }
            String hex = Integer.toHexString(group(g));
            sb.append("0000", hex.length(), 4).append(hex);
        }
        if (scope != null) {
            sb.append('%').append(scope);
        }
        return sb.toString();
    }

    /**
     * The host part of a URI: IPv4 as is, IPv6 in brackets, {@code [2001:db8::1]}, with a scope
     * written {@code %25} as RFC 6874 specifies, {@code [fe80::1%25eth0]}. Read back by
     * {@link IpAddresses#forUriString}.
     */
    public String toUriString() {
        if (isIpv4()) {
            return dotted(0);
        }
        String canonical = withoutScope().toCanonicalString();
        return "[" + canonical + (scope == null ? "" : "%25" + scope) + "]";
    }

    /**
     * The JDK address, built from the bytes (no lookup). IPv4-mapped addresses stay
     * {@link Inet6Address} (use {@link #unmapped()} first for an {@link Inet4Address}). A numeric
     * scope is used as is; a named one needs that interface on this host.
     *
     * @throws IllegalStateException when the scope names an interface this host does not have
     */
    public InetAddress toInetAddress() {
        try {
            if (isIpv4()) {
                return InetAddress.getByAddress(bytes);
            }
            if (scope == null) {
                return Inet6Address.getByAddress(null, bytes, -1);
            }
            if (scope.chars().allMatch(IpParser::isAsciiDigit) && scope.length() <= 9) {
                return Inet6Address.getByAddress(null, bytes, Integer.parseInt(scope));
            }
            NetworkInterface nif = NetworkInterface.getByName(scope);
            if (nif == null) {
                throw new IllegalStateException(toCanonicalString() + ": no network interface " + scope + " on this host");
            }
            try {
                return Inet6Address.getByAddress(null, bytes, nif);
            } catch (UnknownHostException e) {
                // The JDK only accepts a named scope for an interface with an address of the same
                // scope type; the interface index is what the kernel needs anyway.
                return Inet6Address.getByAddress(null, bytes, nif.getIndex());
            }
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalStateException(toCanonicalString() + ": " + e.getMessage(), e);
        }
    }

    /** 16-bit group {@code g} (0-7) of an IPv6 address. */
    int group(int g) {
        return ((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff);
    }

    private String dotted(int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "."
                + (bytes[from + 3] & 0xff);
    }

    private void compressed(StringBuilder sb) {
        // RFC 5952 section 4.2: the longest run of two or more zero groups becomes "::", the first on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(g) != 0) {
                g++;
                continue;
            }
            int end = g;
            while (end < 8 && group(end) == 0) {
                end++;
            }
            if (end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = end;
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(g)));
        }
    }

    @Override
    public int compareTo(IpAddress other) {
        int c = Integer.compare(bytes.length, other.bytes.length);
        if (c == 0) {
            c = Arrays.compareUnsigned(bytes, other.bytes);
        }
        if (c == 0) {
            c = scope == null ? (other.scope == null ? 0 : -1) : other.scope == null ? 1 : scope.compareTo(other.scope);
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes) && Objects.equals(scope, other.scope);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Objects.hashCode(scope);
    }

    /** {@link #toCanonicalString()}. */
    @Override
    public String toString() {
        return toCanonicalString();
    }
}
