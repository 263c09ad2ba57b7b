package dev.berth.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback addresses for tests, and whether this machine can use IPv6 loopback at all. */
public final class Loopback {

    public static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    public static final InetAddress V6 = InetAddress.ofLiteral("::1");

    private static volatile Boolean v6Available;

    private Loopback() {}

    /** True when a socket can be bound to {@code ::1} (not merely created). */
    public static boolean ipv6Available() {
        Boolean known = v6Available;
        if (known == null) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(V6, 0));
                known = true;
            } catch (IOException | RuntimeException e) {
                known = false;
            }
            v6Available = known;
        }
        return known;
    }
}
