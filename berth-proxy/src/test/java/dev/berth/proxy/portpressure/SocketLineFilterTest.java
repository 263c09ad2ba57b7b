package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.EphemeralUse;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketTable;
import dev.berth.sockdiag.procfs.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Only listeners and the endpoints' sockets survive the filter, and the pressure is the same as from the whole table. */
class SocketLineFilterTest {

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    @Test
    void keepsListenersAndSocketsTowardsTheEndpointsOnly() {
        String table = HEADER + "\n"
                + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
                + "   1: 0100007F:C350 0100007F:1B59 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1\n"
                + "   2: 0100007F:C351 0100007F:1B5A 06 00000000:00000000 03:00001770 00000000     0        0 0 1 0\n"
                + "10000: 0100007F:C352 0100007F:1B59 06 00000000:00000000 03:00001770 00000000     0        0 0 1 0\n";
        String kept = new SocketLineFilter(false, ByteOrder.LITTLE_ENDIAN, Set.of(at("127.0.0.1", 7001))).keep(table);
        assertThat(kept.lines().toList()).containsExactly(HEADER, table.lines().toList().get(1), table.lines().toList().get(2),
                table.lines().toList().get(4));
    }

    @Test
    void anIpv4EndpointIsFoundAsAMappedAddressInTcp6() {
        String line = "   0: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1B59 01 00000000:00000000 00:00000000 00000000 0 0 3 1";
        String other = "   1: 0000000000000000FFFF00000100007F:C351 0000000000000000FFFF00000100007F:1B5A 01 00000000:00000000 00:00000000 00000000 0 0 4 1";
        String kept = new SocketLineFilter(true, ByteOrder.LITTLE_ENDIAN, Set.of(at("127.0.0.1", 7001)))
                .keep(HEADER + "\n" + line + "\n" + other + "\n");
        assertThat(kept.lines().toList()).containsExactly(HEADER, line);
    }

    @Test
    void bigEndianTablesAreMatchedInTheirOwnByteOrder() {
        String line = "   0: 7F000001:C350 7F000001:1B59 01 00000000:00000000 00:00000000 00000000 0 0 3 1";
        assertThat(new SocketLineFilter(false, ByteOrder.BIG_ENDIAN, Set.of(at("127.0.0.1", 7001))).keep(HEADER + "\n" + line + "\n"))
                .contains(line);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(30)
    void theLiveTableGivesTheSamePressureFilteredAsWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            InetSocketAddress endpoint = (InetSocketAddress) server.getLocalSocketAddress();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(new Socket(endpoint.getAddress(), endpoint.getPort()));
                }
                Procfs proc = Procfs.system();
                EphemeralUse filtered = PortUseReader.procfs(proc, ByteOrder.nativeOrder()).read(Set.of(endpoint));
                EphemeralUse whole = EphemeralUse.of(SocketTable.read(proc, Transport.TCP, ByteOrder.nativeOrder()).value(),
                        KernelSettings.read(proc).value());
                IpAddress ip = IpAddress.of(endpoint.getAddress());
                List<DestinationPressure> a = filtered.towards(ip, endpoint.getPort());
                List<DestinationPressure> b = whole.towards(ip, endpoint.getPort());
                assertThat(a).isEqualTo(b);
                assertThat(a).singleElement().satisfies(p -> assertThat(p.sockets()).isGreaterThanOrEqualTo(5));
                assertThat(filtered.pool()).isEqualTo(whole.pool());
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }
}
