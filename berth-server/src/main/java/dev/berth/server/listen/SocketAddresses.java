package dev.berth.server.listen;

import dev.berth.ip.IpAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats socket addresses the way users write them, without ever doing a reverse lookup. */
public final class SocketAddresses {

    private SocketAddresses() {}

    /** {@code 127.0.0.1:80} or {@code [::1]:80}; other kinds of address as their {@code toString()}. */
    public static String format(SocketAddress socketAddress) {
        if (!(socketAddress instanceof InetSocketAddress address)) {
            return socketAddress == null ? "-" : socketAddress.toString();
        }
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = ip(ip);
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The IP part only, without brackets; {@code -} when unknown. */
    public static String ip(InetSocketAddress address) {
        if (address == null || address.getAddress() == null) {
            return "-";
        }
        return ip(address.getAddress());
    }

    /**
     * The address as text; IPv6 in RFC 5952 canonical form ({@code ::1}, not the JDK's
     * {@code 0:0:0:0:0:0:0:1}), with its {@code %scope} when it has one.
     */
    public static String ip(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress(); // already canonical, and formatted on every access-log line
        }
        return IpAddresses.toCanonicalString(ip);
    }

    /** True for {@code 0.0.0.0} and {@code ::}: a socket bound there is reachable from every interface. */
    public static boolean isWildcard(InetSocketAddress address) {
        return address.getAddress() != null && address.getAddress().isAnyLocalAddress();
    }
}
