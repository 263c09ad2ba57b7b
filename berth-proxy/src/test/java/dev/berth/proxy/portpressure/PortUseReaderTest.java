package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.EphemeralUse;
import dev.berth.sockdiag.inetdiag.InetDiag;
import dev.berth.sockdiag.procfs.Procfs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The netlink reader and the procfs reader see the same use of the ports on this host. */
@Timeout(30)
class PortUseReaderTest {

    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final IpAddress LOOPBACK_IP = IpAddress.of(LOOPBACK);

    @Test
    void netlinkAndProcfsAgreeOnTheSocketsTowardsAnEndpoint() throws Exception {
        assumeThat(Files.isReadable(Path.of("/proc/net/tcp"))).as("Linux procfs").isTrue();
        assumeThat(InetDiag.listeners().unavailable()).as("NETLINK_SOCK_DIAG on this machine").isNull();
        List<AutoCloseable> open = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            for (int i = 0; i < 4; i++) {
                open.add(new Socket(LOOPBACK, server.getLocalPort()));
                open.add(server.accept());
            }
            Set<InetSocketAddress> endpoint = Set.of((InetSocketAddress) server.getLocalSocketAddress());
            Procfs proc = Procfs.system();
            EphemeralUse byNetlink = PortUseReader.inetDiag(proc).read(endpoint);
            EphemeralUse byProcfs = PortUseReader.procfs(proc, ByteOrder.nativeOrder()).read(endpoint);
            DestinationPressure n = byNetlink.of(LOOPBACK_IP, LOOPBACK_IP, server.getLocalPort()).orElseThrow();
            DestinationPressure p = byProcfs.of(LOOPBACK_IP, LOOPBACK_IP, server.getLocalPort()).orElseThrow();
            assertThat(n.sockets()).isEqualTo(4).isEqualTo(p.sockets());
            assertThat(byNetlink.pool().usable()).isEqualTo(byProcfs.pool().usable());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }
}
