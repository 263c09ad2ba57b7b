package dev.berth.sockdiag.inetdiag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketTable;
import dev.berth.sockdiag.procfs.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's own answer about this JVM's listeners, checked against what the JVM set up: the
 * backlog it asked for and the JDK's IPV6_V6ONLY off for a {@code ::} socket. Loopback and
 * wildcard binds on port 0 only; no traffic.
 */
@Timeout(30)
class InetDiagTest {

    private static long inode(String table, IpFamily family, int port) throws Exception {
        String text = Files.readString(Path.of("/proc/self/net/" + table));
        return SocketTable.parse(text, Transport.TCP, family).value().stream()
                .filter(s -> s.localPort() == port && s.isListening()).mapToLong(SocketEntry::inode)
                .findFirst().orElseThrow();
    }

    @Test
    void backlogAndQueueOfAnIpv4Listener() throws Exception {
        SocketDetails probe = InetDiag.listeners();
        assumeThat(probe.unavailable()).as("NETLINK_SOCK_DIAG on this machine").isNull();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            server.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0), 7);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            SocketDetails details = InetDiag.listeners();
            assertThat(details.isAvailable()).isTrue();
            SocketDetail d = details.of(inode("tcp", IpFamily.IPV4, port)).orElseThrow();
            assertThat(d.backlog()).isEqualTo(7);
            assertThat(d.queue()).isZero();
            assertThat(d.v6only()).isNull();
        }
    }

    @Test
    void theJdksWildcardIpv6ListenerIsDualStack() throws Exception {
        assumeThat(InetDiag.listeners().unavailable()).as("NETLINK_SOCK_DIAG on this machine").isNull();
        assumeThat(Files.exists(Path.of("/proc/self/net/tcp6"))).as("IPv6 in the kernel").isTrue();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            server.bind(new InetSocketAddress(InetAddress.ofLiteral("::"), 0), 3);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            SocketDetail d = InetDiag.listeners().of(inode("tcp6", IpFamily.IPV6, port)).orElseThrow();
            assertThat(d.v6only()).as("the JDK turns IPV6_V6ONLY off").isFalse();
            assertThat(d.backlog()).isEqualTo(3);
        }
    }
}
