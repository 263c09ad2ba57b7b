package dev.berth.ip;

import java.net.InetAddress;

/**
 * An address prefix in CIDR notation, {@code 10.0.0.0/8} or {@code 2001:db8::/32}: a network
 * address with every bit after the prefix length zero. Immutable.
 *
 * <p><b>Host bits are rejected, not normalised.</b> {@link #parse} refuses {@code 10.0.0.1/8}
 * with a message naming the network it would be ({@code 10.0.0.0/8}): in an allow or deny list
 * such a value is more often a mistake (a /32 meant, or the wrong length) than a shorthand.
 * {@link #containing} masks on purpose when that is wanted.
 *
 * <p><b>IPv4-mapped addresses are IPv4.</b> {@link #contains} first turns an IPv4-mapped
 * address ({@code ::ffff:10.0.0.1}) and a prefix inside {@code ::ffff:0:0/96} (such as
 * {@code ::ffff:10.0.0.0/104}) into IPv4; then only prefixes of the address's family can
 * contain it. So {@code 10.0.0.0/8} contains {@code ::ffff:10.0.0.1}, while {@code ::/0} contains
 * no IPv4 address, mapped or not. {@link PrefixMap} matches by the same rule.
 */
public final class Prefix {

    private final IpAddress network;
    private final int length;

    private Prefix(IpAddress network, int length) {
        this.network = network;
        this.length = length;
    }

    /**
     * Parses {@code ADDRESS/LENGTH}; a bare address means the single-address prefix
     * ({@code 10.0.0.1} is {@code 10.0.0.1/32}, {@code ::1} is {@code ::1/128}).
     *
     * @throws InvalidAddressException quoting the input, e.g.
     *     {@code 10.0.0.1/8: host bits are set (expected: the network address, 10.0.0.0/8)},
     *     {@code 10.0.0.0/33: prefix length 33 is out of range (expected: 0-32 for IPv4)}
     */
    public static Prefix parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidAddressException(text, "empty (expected: a prefix such as 10.0.0.0/8 or 2001:db8::/32)");
        }
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        IpAddress address;
        try {
            address = IpParser.literal(addressPart);
        } catch (IpParser.Bad e) {
            if (slash < 0) {
                throw new InvalidAddressException(text, "not a prefix (" + e.getMessage() + ")");
            }
            throw new InvalidAddressException(text,
                    Inputs.quote(addressPart) + " is not an IP address (" + e.getMessage() + ")");
        }
        if (address.scope().isPresent()) {
            throw new InvalidAddressException(text,
                    "a prefix has no %scope (expected: " + address.withoutScope().toCanonicalString()
                            + (slash < 0 ? "" : Inputs.quote(text.substring(slash))) + ")");
        }
        int max = address.family().bits();
        String expectedLength = "expected: 0-" + max + " for " + address.family().label();
        if (slash < 0) {
            return new Prefix(address, max);
        }
        String lengthPart = text.substring(slash + 1);
        if (lengthPart.isEmpty()) {
            throw new InvalidAddressException(text, "missing prefix length after '/' (" + expectedLength + ")");
        }
        if (!lengthPart.chars().allMatch(IpParser::isAsciiDigit)) {
            throw new InvalidAddressException(text,
                    "prefix length " + Inputs.quote(lengthPart) + " is not a number (" + expectedLength + ")");
        }
        int length = lengthPart.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(lengthPart);
        if (length > max) {
            throw new InvalidAddressException(text, "prefix length " + Inputs.quote(lengthPart) + " is out of range (" + expectedLength + ")");
        }
        Prefix prefix = containing(address, length);
        if (!prefix.network.equals(address)) {
            throw new InvalidAddressException(text,
                    "host bits are set (expected: the network address, " + prefix + ")");
        }
        return prefix;
    }

    /**
     * The prefix of this length that contains {@code address}: host bits cleared, scope dropped
     * ({@code containing(10.1.2.3, 8)} is {@code 10.0.0.0/8}).
     *
     * @throws IllegalArgumentException when the length is not 0-32 for IPv4 or 0-128 for IPv6
     */
    public static Prefix containing(IpAddress address, int length) {
        int max = address.family().bits();
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " (expected: 0-" + max + " for "
                    + address.family().label() + ")");
        }
        return new Prefix(IpAddress.of(Bits.masked(address.toBytes(), length), null), length);
    }

    /** The network address: the first address of the prefix, host bits zero. */
    public IpAddress network() {
        return network;
    }

    /** The prefix length in bits: 0-32 for IPv4, 0-128 for IPv6. */
    public int length() {
        return length;
    }

    public IpFamily family() {
        return network.family();
    }

    /**
     * An IPv6 prefix inside {@code ::ffff:0:0/96} as the IPv4 prefix it stands for
     * ({@code ::ffff:10.0.0.0/104} → {@code 10.0.0.0/8}); any other prefix unchanged.
     */
    public Prefix unmapped() {
        if (length >= 96 && network.isIpv4Mapped()) {
            return new Prefix(network.unmapped(), length - 96);
        }
        return this;
    }

    /** True when {@code address} is inside this prefix, IPv4-mapped addresses counting as IPv4 (see the class comment). */
    public boolean contains(IpAddress address) {
        Prefix p = unmapped();
        IpAddress a = address.unmapped();
        return a.family() == p.family() && Bits.matches(a, p.network.toBytes(), p.length);
    }

    /** {@link #contains(IpAddress)} for a JDK address. */
    public boolean contains(InetAddress address) {
        return contains(IpAddress.of(address));
    }

    /** {@code 10.0.0.0/8}, {@code 2001:db8::/32}: the network in canonical form, a slash and the length. */
    @Override
    public String toString() {
        return network.toCanonicalString() + "/" + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix other && length == other.length && network.equals(other.network);
    }

    @Override
    public int hashCode() {
        return network.hashCode() * 31 + length;
    }
}
