package dev.berth.sockdiag;

import static dev.berth.sockdiag.Snapshots.connections;
import static dev.berth.sockdiag.Snapshots.listen;
import static dev.berth.sockdiag.Snapshots.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.berth.ip.IpAddresses;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool and the per-(source, destination, port) use that diag sockets and the proxy's gauge share. */
class EphemeralUseTest {

    private static KernelSettings kernel(String range, String reserved) {
        return new KernelSettings(PortRange.parse(range), PortSet.parse(reserved), null, null, null, null, null, null, null,
                null, null, null);
    }

    @Test
    void usableIsTheRangeMinusReservedMinusListenersInIt() {
        List<SocketEntry> tcp = List.of(listen("0.0.0.0", 50001, 1), listen("::", 50001, 2), listen("127.0.0.1", 50002, 3),
                listen("127.0.0.1", 8080, 4), listen("127.0.0.1", 50003, 5));
        EphemeralUse use = EphemeralUse.of(tcp, kernel("50000 50009", "50003,50005-50006,60000"));

        assertThat(use.pool()).isEqualTo(new EphemeralPool(new PortRange(50000, 50009), true, 3, 2, 5));
    }

    @Test
    void socketsAreGroupedBySourceDestinationAndPortFullestFirst() {
        List<SocketEntry> tcp = new ArrayList<>();
        tcp.add(listen("127.0.0.1", 7001, 1));
        tcp.addAll(connections("127.0.0.1", 50000, "127.0.0.1", 7001, 3, TcpState.ESTABLISHED));
        tcp.addAll(connections("127.0.0.1", 50003, "127.0.0.1", 7001, 2, TcpState.TIME_WAIT));
        tcp.addAll(connections("10.0.0.5", 50000, "127.0.0.1", 7001, 1, TcpState.ESTABLISHED));
        tcp.addAll(connections("127.0.0.1", 50000, "127.0.0.1", 7002, 4, TcpState.ESTABLISHED));
        // Accepted by the listener on 7001: its local port is the listener's, not an ephemeral one.
        tcp.add(tcp("127.0.0.1", 7001, "127.0.0.1", 50000, TcpState.ESTABLISHED, 99));
        EphemeralUse use = EphemeralUse.of(tcp, kernel("50000 50009", ""));

        assertThat(use.pressure()).extracting(DestinationPressure::describe, DestinationPressure::sockets).containsExactly(
                tuple("127.0.0.1 -> 127.0.0.1:7001", 5),
                tuple("127.0.0.1 -> 127.0.0.1:7002", 4),
                tuple("10.0.0.5 -> 127.0.0.1:7001", 1));
        DestinationPressure p = use.of(IpAddresses.forString("127.0.0.1"), IpAddresses.forString("127.0.0.1"), 7001).orElseThrow();
        assertThat(p.percent()).isEqualTo(50.0);
        assertThat(p.states().toString()).isEqualTo("{ESTABLISHED=3, TIME_WAIT=2}");
        assertThat(use.of(IpAddresses.forString("127.0.0.1"), IpAddresses.forString("127.0.0.1"), 7003)).isEmpty();
        assertThat(use.towards(IpAddresses.forString("127.0.0.1"), 7001)).extracting(d -> d.source().toCanonicalString())
                .containsExactly("127.0.0.1", "10.0.0.5");
    }
}
