package dev.berth.server.listen;

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
        if (!(ip instanceof Inet6Address v6)) {
            return ip.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        if (v6.getScopedInterface() != null) {
            sb.append('%').append(v6.getScopedInterface().getName());
        } else if (v6.getScopeId() != 0) {
            sb.append('%').append(v6.getScopeId());
        }
        return sb.toString();
    }

    /** True for {@code 0.0.0.0} and {@code ::}: a socket bound there is reachable from every interface. */
    public static boolean isWildcard(InetSocketAddress address) {
        return address.getAddress() != null && address.getAddress().isAnyLocalAddress();
    }
}
