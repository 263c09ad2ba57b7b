package dev.berth.ip;

/**
 * What kind of address an IP address is, from the IANA special-purpose address registries.
 * An address can be of several classes ({@link IpAddress#classes()}); the declaration order
 * here is the priority that picks the {@link IpAddress#primaryClass() primary} one.
 */
public enum AddressClass {
    UNSPECIFIED("unspecified",
            "the unspecified address (0.0.0.0, ::): as a bind address it means every interface; never a destination"),
    LOOPBACK("loopback",
            "loopback (127.0.0.0/8, ::1): reaches this host only"),
    IPV4_MAPPED("ipv4-mapped",
            "IPv4-mapped IPv6 (::ffff:0:0/96, RFC 4291): an IPv4 address as a dual-stack IPv6 socket sees it; the traffic is IPv4"),
    IPV4_COMPATIBLE("ipv4-compatible",
            "IPv4-compatible IPv6 (::/96, RFC 4291): deprecated, not routed"),
    NAT64("nat64",
            "NAT64 well-known prefix (64:ff9b::/96, RFC 6052): an IPv4 destination reached from IPv6 through a translator"),
    TEREDO("teredo",
            "Teredo (2001::/32, RFC 4380): IPv6 tunnelled in UDP over IPv4 through NAT; embeds the client's public IPv4"),
    SIX_TO_FOUR("6to4",
            "6to4 (2002::/16, RFC 3056): IPv6 tunnelled over IPv4 to the embedded address; relays deprecated by RFC 7526"),
    LINK_LOCAL("link-local",
            "link-local (169.254.0.0/16, fe80::/10): valid on one network link only; IPv6 needs a %scope to be used"),
    MULTICAST("multicast",
            "multicast (224.0.0.0/4, ff00::/8): a group of receivers, not one host"),
    BROADCAST("broadcast",
            "limited broadcast (255.255.255.255): every host on the local link; never routed"),
    DOCUMENTATION("documentation",
            "documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20): for examples; never on a real network"),
    BENCHMARKING("benchmarking",
            "benchmarking (198.18.0.0/15, 2001:2::/48, RFC 2544 and RFC 5180): for device tests in a lab; not routed on the internet"),
    PRIVATE("private",
            "private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, RFC 1918): routed within an organisation, not on the internet"),
    SHARED("shared",
            "shared address space (100.64.0.0/10, RFC 6598): between a provider's carrier-grade NAT and its customers; not on the internet"),
    UNIQUE_LOCAL("unique-local",
            "unique local (fc00::/7, RFC 4193): routed within a site or between sites that agree, not on the internet"),
    RESERVED("reserved",
            "reserved (0.0.0.0/8 this network, 240.0.0.0/4 future use, 100::/64 discard-only, fec0::/10 deprecated site-local): not a usable destination"),
    GLOBAL("global",
            "globally reachable: may be routed across the internet");

    private final String label;
    private final String meaning;

    AddressClass(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** Short lower-case name, stable for scripts and JSON: {@code ipv4-mapped}, {@code 6to4}, {@code unique-local}. */
    public String label() {
        return label;
    }

    /** One line saying what the class is and what it means for reaching the address. */
    public String meaning() {
        return meaning;
    }

    @Override
    public String toString() {
        return label;
    }
}
