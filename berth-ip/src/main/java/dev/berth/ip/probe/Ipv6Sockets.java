package dev.berth.ip.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The two socket checks of the {@link Ipv6Probe}, behind an interface so the answers can be tested with fakes. */
public interface Ipv6Sockets {

    /** Creates and closes an AF_INET6 TCP socket; throws what the JDK throws when it cannot. */
    void openSocket() throws Exception;

    /** Binds a TCP socket to {@code [::1]:0} and closes it; returns the port the kernel chose. */
    int bindLoopback() throws Exception;

    /** Real sockets of this JVM. */
    static Ipv6Sockets system() {
        return new Ipv6Sockets() {
            @Override
            public void openSocket() throws IOException {
                try (SocketChannel ignored = SocketChannel.open(StandardProtocolFamily.INET6)) {
                    // opened: the kernel has AF_INET6
                }
            }

            @Override
            public int bindLoopback() throws IOException {
                try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
                    server.bind(new InetSocketAddress(InetAddress.getByAddress(
                            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 0), 1);
                    return ((InetSocketAddress) server.getLocalAddress()).getPort();
                }
            }
        };
    }
}
