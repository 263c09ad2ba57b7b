package dev.berth.sockdiag;

import dev.berth.ip.IpAddresses;
import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.inetdiag.SocketDetails;
import dev.berth.sockdiag.procfs.Counters;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketOwners;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Snapshots for the analyzer tests: the {@code host-a} fixture tree, or built socket by socket. */
final class Snapshots {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Snapshots() {}

    static Path fixture(String name) {
        try {
            return Path.of(Snapshots.class.getResource("/dev/berth/sockdiag/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code host-a} fixture, read as the CLI reads a live system (byte order: the fixture's, little-endian). */
    static Snapshot hostA(SocketDetails details) throws Exception {
        return new SnapshotReader(Procfs.at(fixture("host-a")), ByteOrder.LITTLE_ENDIAN, () -> details,
                SnapshotReader.LISTENERS_AND_CLOSE_WAIT, 3).read(T0);
    }

    static SocketDetails noDetails() {
        return SocketDetails.unavailable("a fixture");
    }

    static SocketDetails details(SocketDetail... d) {
        Map<Long, SocketDetail> map = new HashMap<>();
        for (SocketDetail x : d) {
            map.put(x.inode(), x);
        }
        return new SocketDetails(map, null);
    }

    static SocketEntry tcp(String local, int localPort, String remote, int remotePort, TcpState state, long inode) {
        return entry(Transport.TCP, local, localPort, remote, remotePort, state, inode, 0);
    }

    static SocketEntry listen(String local, int port, long inode) {
        return tcp(local, port, local.contains(":") ? "::" : "0.0.0.0", 0, TcpState.LISTEN, inode);
    }

    static SocketEntry entry(Transport t, String local, int localPort, String remote, int remotePort, TcpState state,
            long inode, long rxQueue) {
        IpFamily table = local.contains(":") ? IpFamily.IPV6 : IpFamily.IPV4;
        return new SocketEntry(t, table, 0, IpAddresses.forString(local).unmapped(), localPort, IpAddresses.forString(remote).unmapped(),
                remotePort, state, 0, rxQueue, state == TcpState.TIME_WAIT ? 3 : 0, state == TcpState.TIME_WAIT ? 6000 : 0,
                0, 0, inode);
    }

    /** {@code n} connections from {@code source} ports {@code firstPort...} to {@code destination:port}. */
    static List<SocketEntry> connections(String source, int firstPort, String destination, int port, int n, TcpState state) {
        List<SocketEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tcp(source, firstPort + i, destination, port, state, state == TcpState.TIME_WAIT ? 0 : 10_000 + firstPort + i));
        }
        return out;
    }

    static KernelSettings kernel(PortRange range, PortSet reserved) {
        return new KernelSettings(range, reserved, 1024, 2, 1, 60, 131072, 4096, 2048, 0, 1, 0);
    }

    static Snapshot of(Instant at, List<SocketEntry> tcp, KernelSettings kernel, Counters counters, SocketDetails details,
            SocketOwners owners) {
        return new Snapshot(at, null, "net:[1]", tcp, List.of(), counters, kernel, owners, details, FdLimits.UNKNOWN, List.of());
    }

    static Snapshot of(List<SocketEntry> tcp, KernelSettings kernel) {
        return of(T0, tcp, kernel, Counters.EMPTY, noDetails(), SocketOwners.NONE);
    }

    static SocketOwners owner(long inode, long pid, String command) {
        return new SocketOwners(Map.of(inode, List.of(new ProcessRef(pid, command, command))), 0);
    }
}
