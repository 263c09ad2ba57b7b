package dev.berth.sockdiag.inetdiag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel-filtered dump of the sockets towards chosen destinations: on loopback, servers A
 * and B with connections to each (and one TIME_WAIT towards A); asking for A must give exactly
 * A's client sockets plus every listener, whether the kernel filters (short and long bytecode)
 * or, past the filter's size, only the Java side does.
 */
@Timeout(30)
class InetDiagTowardsTest {

    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    private final List<AutoCloseable> open = new ArrayList<>();
    private InetSocketAddress a;
    private InetSocketAddress b;
    private Set<Integer> clientPortsToA;
    private int timeWaitPortToA;

    @BeforeEach
    void sockets() throws Exception {
        assumeThat(InetDiag.listeners().unavailable()).as("NETLINK_SOCK_DIAG on this machine").isNull();
        ServerSocket serverA = keep(new ServerSocket(0, 50, LOOPBACK));
        ServerSocket serverB = keep(new ServerSocket(0, 50, LOOPBACK));
        a = (InetSocketAddress) serverA.getLocalSocketAddress();
        b = (InetSocketAddress) serverB.getLocalSocketAddress();
        clientPortsToA = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Socket c = keep(new Socket(LOOPBACK, a.getPort()));
            keep(serverA.accept());
            clientPortsToA.add(c.getLocalPort());
        }
        for (int i = 0; i < 3; i++) {
            keep(new Socket(LOOPBACK, b.getPort()));
            keep(serverB.accept());
        }
        // The side that closes first keeps the 4-tuple in TIME_WAIT: here the client, towards A.
        Socket leaving = new Socket(LOOPBACK, a.getPort());
        Socket accepted = serverA.accept();
        timeWaitPortToA = leaving.getLocalPort();
        leaving.close();
        accepted.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** With the Java-side check off where the kernel filters, so that a filter letting everything through fails. */
    private void assertOnlyTowardsA(List<InetSocketAddress> asked) throws Exception {
        boolean kernelFilters = InetDiag.destinationFilter(asked) != null;
        List<SocketEntry> entries = await().atMost(Duration.ofSeconds(10)).until(() -> InetDiag.tcpTowards(asked, !kernelFilters),
                list -> list.stream().anyMatch(e -> e.localPort() == timeWaitPortToA && e.state() == TcpState.TIME_WAIT));
        List<SocketEntry> connected = entries.stream().filter(e -> e.state() != TcpState.LISTEN).toList();
        assertThat(connected).allSatisfy(e -> {
            assertThat(e.remotePort()).isEqualTo(a.getPort());
            assertThat(e.remoteAddress().toCanonicalString()).isEqualTo("127.0.0.1");
        });
        Set<Integer> established = connected.stream().filter(e -> e.state() == TcpState.ESTABLISHED)
                .map(SocketEntry::localPort).collect(Collectors.toSet());
        assertThat(established).isEqualTo(clientPortsToA);
        Set<Integer> listening = entries.stream().filter(e -> e.state() == TcpState.LISTEN)
                .map(SocketEntry::localPort).collect(Collectors.toSet());
        assertThat(listening).contains(a.getPort(), b.getPort());
    }

    @Test
    void oneDestination() throws Exception {
        assertOnlyTowardsA(List.of(a));
    }

    @Test
    void aFilterLongerThanOneByteOfJumpStillMatchesItsLastDestination() throws Exception {
        List<InetSocketAddress> asked = new ArrayList<>();
        for (int i = 1; i <= 20; i++) { // 20 × 36 bytes of IPv6 conditions before A's
            asked.add(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::" + Integer.toHexString(i)), 443));
        }
        asked.add(new InetSocketAddress(LOOPBACK, 9)); // A's address with another port: the port must match too
        asked.add(a);
        assertThat(InetDiag.destinationFilter(asked)).hasSizeGreaterThan(255);
        assertOnlyTowardsA(asked);
    }

    @Test
    void tooManyDestinationsForOneFilterAreFilteredInJava() throws Exception {
        List<InetSocketAddress> asked = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            asked.add(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::" + Integer.toHexString(i)), 443));
        }
        asked.add(a);
        assertThat(InetDiag.destinationFilter(asked)).isNull();
        assertOnlyTowardsA(asked);
    }

    @Test
    void noDestinationsGivesTheListenersOnly() throws Exception {
        List<SocketEntry> entries = InetDiag.tcpTowards(List.of());
        assertThat(entries).allSatisfy(e -> assertThat(e.state()).isEqualTo(TcpState.LISTEN));
        assertThat(entries.stream().map(SocketEntry::localPort)).contains(a.getPort(), b.getPort());
    }
}
