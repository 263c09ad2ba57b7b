package dev.berth.dial;

import dev.berth.ip.IpAddresses;
import java.net.InetAddress;

/** Recognises a host that is already an IP address, so it is dialed without resolution. */
final class IpLiteral {

    private IpLiteral() {}

    /** The address when {@code host} is an IPv4 or IPv6 literal (brackets allowed), else {@code null}. Never resolves. */
    static InetAddress parse(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return IpAddresses.isIpLiteral(h) ? IpAddresses.forString(h).toInetAddress() : null;
    }
}
