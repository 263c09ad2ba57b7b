package dev.berth.dial;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/** An address family. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) count as IPv4, as the JDK and Go treat them. */
public enum Family {
    IPV4,
    IPV6;

    public static Family of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    public Family other() {
        return this == IPV4 ? IPV6 : IPV4;
    }

    /** {@code ipv4} or {@code ipv6}, as in JSON output and metric tags. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code IPv4} or {@code IPv6}, for people. */
    public String displayName() {
        return this == IPV4 ? "IPv4" : "IPv6";
    }
}
