package dev.berth.proxy.portpressure;

import dev.berth.ip.IpAddress;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.sockdiag.Snapshot;
import dev.berth.sockdiag.SnapshotReader;
import dev.berth.sockdiag.SocketsAnalyzer;
import dev.berth.sockdiag.SocketsReport;
import dev.berth.sockdiag.format.DiagJson;
import dev.berth.sockdiag.format.DiagText;
import dev.berth.sockdiag.inetdiag.InetDiag;
import dev.berth.sockdiag.inetdiag.SocketDetails;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The admin's {@code GET /diag/sockets}: the {@code berth diag sockets} report (the same
 * analysis, text and JSON) of the proxy's own network namespace, scoped to its upstream
 * destinations: the TCP sockets to its clusters' endpoints (draining ones included) and the
 * listeners (which take ports out of every destination's pool). Kernel settings and counters are
 * the namespace's; descriptors are the proxy process's own. Read when asked, on the admin's thread.
 */
public final class UpstreamSocketsReport {

    private record Destination(IpAddress address, int port) {}

    private final Supplier<List<Cluster>> clusters;
    private final Procfs proc;
    private final ByteOrder order;
    private final Supplier<SocketDetails> details;
    private final long pid;

    /**
     * @param clusters the proxy's clusters as they are now; called at every report
     * @param proc where to read (the proxy's own namespace: {@code /proc})
     * @param details listener backlogs and IPV6_V6ONLY, as the kernel answers them
     * @param pid the process whose descriptors are reported
     */
    public UpstreamSocketsReport(Supplier<List<Cluster>> clusters, Procfs proc, ByteOrder order, Supplier<SocketDetails> details,
            long pid) {
        this.clusters = clusters;
        this.proc = proc;
        this.order = order;
        this.details = details;
        this.pid = pid;
    }

    /** This process's report, read from {@code /proc}. */
    public static UpstreamSocketsReport live(Supplier<List<Cluster>> clusters) {
        return new UpstreamSocketsReport(clusters, Procfs.system(), ByteOrder.nativeOrder(), InetDiag::listeners,
                ProcessHandle.current().pid());
    }

    public SocketsReport read(Instant now) throws IOException {
        Set<Destination> destinations = new LinkedHashSet<>();
        for (Cluster c : clusters.get()) {
            List<UpstreamEndpoint> all = new ArrayList<>(c.endpoints());
            all.addAll(c.draining());
            for (UpstreamEndpoint e : all) {
                destinations.add(new Destination(IpAddress.of(e.address().getAddress()).withoutScope().unmapped(),
                        e.address().getPort()));
            }
        }
        // No owner scan: it would read every process's descriptors on each request, and the owner is this proxy.
        Snapshot all = new SnapshotReader(proc, order, details, s -> false, 0).read(now);
        Snapshot scoped = all.filtered(s -> s.transport() == Transport.TCP && (s.state() == TcpState.LISTEN
                        || destinations.contains(new Destination(s.remoteAddress(), s.remotePort()))))
                .withFds(FdLimits.read(proc, OptionalLong.of(pid), 0));
        List<String> shown = destinations.stream().limit(10)
                .map(d -> SocketEntry.hostPort(d.address(), d.port())).toList();
        return SocketsAnalyzer.analyze(scoped).withNoteFirst("scoped to this proxy's upstream endpoints ("
                + (shown.isEmpty() ? "none" : String.join(", ", shown) + (destinations.size() > 10 ? ", ..." : ""))
                + ") and this namespace's listeners; kernel settings and counters are the whole namespace's, descriptors"
                + " this proxy's (pid " + pid + ")");
    }

    /** The report as {@code berth diag sockets} prints it, or with {@code json} as {@code --json} does; one trailing newline. */
    public String render(Instant now, boolean json) throws IOException {
        SocketsReport r = read(now);
        return json ? DiagJson.sockets(r) + "\n" : String.join("\n", DiagText.sockets(r)) + "\n";
    }
}
