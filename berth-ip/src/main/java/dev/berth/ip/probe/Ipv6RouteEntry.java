package dev.berth.ip.probe;

import dev.berth.ip.IpAddress;
import dev.berth.ip.Prefix;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One line of {@code /proc/net/ipv6_route}: a route of the kernel's IPv6 routing tables.
 *
 * <p>The kernel writes ten fields ({@code ipv6_route_native_seq_show} in {@code net/ipv6/route.c}):
 * destination (32 hex digits) and its prefix length, source and its prefix length, next hop,
 * metric, reference count, use count, flags (all hex) and the device name.
 *
 * @param destination where the route leads; {@code ::/0} for a default route
 * @param nextHop the gateway, {@code ::} when the destination is on-link
 * @param metric the route metric
 * @param flags {@code RTF_*} flags: {@code 0x0001} up, {@code 0x0002} gateway, {@code 0x0200} reject
 *     (unreachable, prohibit, blackhole), {@code 0x00010000} default (learnt from router advertisements),
 *     {@code 0x00040000} addrconf, {@code 0x80000000} local
 * @param device the interface name
 */
public record Ipv6RouteEntry(Prefix destination, IpAddress nextHop, long metric, int flags, String device) {

    public static final int RTF_UP = 0x0001;
    public static final int RTF_GATEWAY = 0x0002;
    public static final int RTF_REJECT = 0x0200;

    /** Every well-formed line of the file's text; lines that are not (there should be none) are skipped. */
    public static List<Ipv6RouteEntry> parse(String text) {
        List<Ipv6RouteEntry> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            Ipv6RouteEntry route = parseLine(line);
            if (route != null) {
                routes.add(route);
            }
        }
        return routes;
    }

    static Ipv6RouteEntry parseLine(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length != 10 || f[0].length() != 32 || f[4].length() != 32) {
            return null;
        }
        try {
            int length = IfInet6Entry.hexInt(f[1]);
            if (length > 128) {
                return null;
            }
            Prefix destination = Prefix.containing(IpAddress.ofBytes(HexFormat.of().parseHex(f[0])), length);
            IpAddress nextHop = IpAddress.ofBytes(HexFormat.of().parseHex(f[4]));
            long metric = Long.parseLong(f[5], 16);
            int flags = IfInet6Entry.hexInt(f[8]);
            return new Ipv6RouteEntry(destination, nextHop, metric, flags, f[9]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean isDefault() {
        return destination.length() == 0;
    }

    public boolean isUp() {
        return (flags & RTF_UP) != 0;
    }

    public boolean isReject() {
        return (flags & RTF_REJECT) != 0;
    }

    public boolean hasGateway() {
        return (flags & RTF_GATEWAY) != 0;
    }

    /**
     * A default route that forwards packets off the host: {@code ::/0}, up, not a reject route
     * (the kernel keeps an "unreachable" {@code ::/0} on {@code lo} in every table), not on {@code lo}.
     */
    public boolean isUsableDefault() {
        return isDefault() && isUp() && !isReject() && !"lo".equals(device);
    }

    /** As {@code ip -6 route} shows it: {@code default via fe80::1 dev eth0}, {@code 2001:db8::/64 dev eth0}, {@code unreachable default dev lo}. */
    @Override
    public String toString() {
        String via = hasGateway() ? " via " + nextHop : "";
        return (isReject() ? "unreachable " : "") + (isDefault() ? "default" : destination.toString()) + via + " dev " + device;
    }
}
