package dev.berth.proxy.portpressure;

import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.EphemeralUse;
import dev.berth.sockdiag.inetdiag.InetDiag;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketTable;
import dev.berth.sockdiag.procfs.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads how the namespace's TCP sockets use the ephemeral ports right now; tests pass fixtures. */
@FunctionalInterface
public interface PortUseReader {

    /**
     * @param destinations the endpoints whose sockets are measured; a reader may leave out
     *                     sockets towards anything else (listeners always count: they take ports from the pool)
     */
    EphemeralUse read(Set<InetSocketAddress> destinations) throws IOException;

    /**
     * Asks the kernel over NETLINK_SOCK_DIAG for only the sockets towards {@code destinations}
     * (and the listeners), {@link InetDiag#tcpTowards}: about a fifth of the system time of
     * reading {@code /proc/net/tcp} on a host with tens of thousands of sockets, and no objects
     * for the sockets that do not matter. The port range and reserved ports still come from
     * {@code proc}.
     */
    static PortUseReader inetDiag(Procfs proc) {
        return destinations -> EphemeralUse.of(InetDiag.tcpTowards(destinations), KernelSettings.read(proc).value());
    }

    /** {@link #inetDiag} where the kernel answers NETLINK_SOCK_DIAG, else {@link #procfs}. */
    static PortUseReader best(Procfs proc, ByteOrder order) {
        return InetDiag.listeners().unavailable() == null ? inetDiag(proc) : procfs(proc, order);
    }

    /**
     * From {@code proc}'s TCP tables and port sysctls only (no process scan, no counters), with
     * only the lines that matter parsed ({@link SocketLineFilter}): cheap enough to run every few
     * seconds on a host with tens of thousands of sockets. Lines it cannot parse are skipped.
     */
    static PortUseReader procfs(Procfs proc, ByteOrder order) {
        return destinations -> {
            List<SocketEntry> entries = new ArrayList<>();
            for (IpFamily family : List.of(IpFamily.IPV4, IpFamily.IPV6)) {
                boolean v6 = family == IpFamily.IPV6;
                String file = v6 ? "tcp6" : "tcp";
                SocketLineFilter filter = new SocketLineFilter(v6, order, destinations);
                StringBuilder kept = new StringBuilder(4096);
                if (proc.netLines(file, line -> filter.keep(line, kept))) {
                    entries.addAll(SocketTable.parse(kept.toString(), Transport.TCP, family, order, file).value());
                }
            }
            return EphemeralUse.of(entries, KernelSettings.read(proc).value());
        };
    }
}
