package dev.berth.sockdiag;

import dev.berth.ip.AddressClass;
import dev.berth.ip.IpAddress;
import dev.berth.ip.IpFamily;
import java.util.List;

/** Where a listening socket is bound, which decides who can reach it. */
public enum BindClass {
    /** {@code 0.0.0.0}: every IPv4 address of the namespace. */
    WILDCARD_IPV4("wildcard-ipv4", "every IPv4 interface", List.of(IpFamily.IPV4)),
    /** {@code ::} with IPV6_V6ONLY off: every IPv6 <em>and</em> IPv4 address (IPv4 arrives as {@code ::ffff:a.b.c.d}). */
    WILDCARD_DUAL_STACK("wildcard-dual-stack", "every IPv4 and IPv6 interface (dual-stack)", List.of(IpFamily.IPV4, IpFamily.IPV6)),
    /** {@code ::} with IPV6_V6ONLY on: every IPv6 address only. */
    WILDCARD_IPV6_ONLY("wildcard-ipv6-only", "every IPv6 interface (IPv6 only)", List.of(IpFamily.IPV6)),
    /** {@code ::} when IPV6_V6ONLY could not be read: treated as dual-stack, the wider of the two. */
    WILDCARD_IPV6("wildcard-ipv6", "every IPv6 interface, and IPv4 too unless it is IPv6-only (not visible from here)",
            List.of(IpFamily.IPV4, IpFamily.IPV6)),
    /** 127.0.0.0/8 or {@code ::1}: this host (this network namespace) only. */
    LOOPBACK("loopback", "loopback: this host only", List.of()),
    /** 169.254.0.0/16 or fe80::/10: one network link. */
    LINK_LOCAL("link-local", "a link-local address: one network link", List.of()),
    /** One specific address: whatever network that address is on. */
    SPECIFIC("specific", "one address", List.of());

    private final String label;
    private final String meaning;
    private final List<IpFamily> wildcardFamilies;

    BindClass(String label, String meaning, List<IpFamily> wildcardFamilies) {
        this.label = label;
        this.meaning = meaning;
        this.wildcardFamilies = wildcardFamilies;
    }

    /** The JSON value, {@code wildcard-dual-stack}. */
    public String label() {
        return label;
    }

    /** Who can reach it, in words. */
    public String meaning() {
        return meaning;
    }

    public boolean isWildcard() {
        return !wildcardFamilies.isEmpty();
    }

    /**
     * The class of a socket bound to {@code address} (already unmapped: a socket bound to
     * {@code ::ffff:127.0.0.1} is loopback); {@code v6only} matters only for {@code ::} and may be
     * {@code null} when unknown.
     */
    public static BindClass of(IpAddress address, Boolean v6only) {
        if (address.classes().contains(AddressClass.UNSPECIFIED)) {
            if (address.isIpv4()) {
                return WILDCARD_IPV4;
            }
            return v6only == null ? WILDCARD_IPV6 : v6only ? WILDCARD_IPV6_ONLY : WILDCARD_DUAL_STACK;
        }
        if (address.classes().contains(AddressClass.LOOPBACK)) {
            return LOOPBACK;
        }
        if (address.classes().contains(AddressClass.LINK_LOCAL)) {
            return LINK_LOCAL;
        }
        return SPECIFIC;
    }

    /** The families a client can reach it over: both for dual-stack, else the address's own. */
    public List<IpFamily> exposure(IpAddress address) {
        return isWildcard() ? wildcardFamilies : List.of(address.family());
    }
}
