package dev.berth.proxy.portpressure;

import dev.berth.ip.IpAddress;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.sched.IdleThreads;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.EphemeralUse;
import dev.berth.sockdiag.procfs.Procfs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples, every {@link #INTERVAL} (longer when sampling is expensive, see {@link #sampleQuietly})
 * on a daemon thread of its own (never on an event loop), how
 * full each cluster endpoint's pool of ephemeral ports is, and exports it as the gauge
 * {@code upstream_port_pressure_ratio{cluster, endpoint}}: the sockets from the proxy's source
 * address to the endpoint that hold a port of the ephemeral range, divided by the usable ports
 * (the range minus reserved ports minus ports listeners hold in it). The kernel needs the 4-tuple
 * to be unique, so each (source, endpoint) has the whole pool to itself: at 1 the next connect to
 * that endpoint fails with EADDRNOTAVAIL while the others are unaffected.
 *
 * <p>The source address is the cluster's {@code source_address} for endpoints of its family,
 * otherwise the address the kernel's routing picks for the endpoint (what an unbound connect
 * uses). Every process's sockets from that address count: they share the pool. Clusters and
 * endpoints are read afresh at every sample (DNS changes them, a reload replaces them).
 *
 * <p>From {@link #WARN_RATIO} a warning is logged (once per minute per endpoint while it lasts,
 * and a line when it is over), naming the endpoint, the numbers and what to do.
 */
public final class PortPressureMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("berth.ports");

    /** The share of the pool from which a warning is logged, as {@code berth diag sockets} warns at 70 %. */
    public static final double WARN_RATIO = 0.7;
    /** From here the warning says {@code critical}, as {@code berth diag sockets} does at 90 %. */
    public static final double CRITICAL_RATIO = 0.9;
    /** How often the sockets are read (at most). */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** The share of one core the sampling may take; a costlier sample pushes the next one further out. */
    static final int MAX_CPU_PERCENT = 1;
    static final Duration WARN_REPEAT = Duration.ofMinutes(1);
    static final String GAUGE = "upstream.port.pressure.ratio";
    static final String ADVICE = "Reuse connections: fewer, longer-lived ones (each connection the proxy closes first"
            + " keeps its port 60 s in TIME_WAIT; net.ipv4.tcp_tw_reuse=1 lets new connects take such ports over)."
            + " Add source addresses: each has a pool of its own towards each endpoint (a cluster per source_address)."
            + " Widen net.ipv4.ip_local_port_range, keeping listening ports outside it or in ip_local_reserved_ports.";

    private final Supplier<List<Cluster>> clusters;
    private final PortUseReader reader;
    private final RouteLookup routes;
    private final MultiGauge gauge;
    private final PressureAlarm alarm = new PressureAlarm(WARN_RATIO, WARN_REPEAT.toNanos());
    private volatile Map<String, EndpointPressure> latest = Map.of();
    private ScheduledExecutorService timer;
    private boolean failing;
    private boolean first = true;

    /**
     * @param clusters the proxy's clusters as they are now; called at every sample
     * @param reader   the sockets and the port range
     * @param routes   the source address of an unbound connect
     */
    public PortPressureMonitor(Supplier<List<Cluster>> clusters, PortUseReader reader, RouteLookup routes, MeterRegistry registry) {
        this.clusters = clusters;
        this.reader = reader;
        this.routes = routes;
        this.gauge = MultiGauge.builder(GAUGE)
                .description("Share of the usable ephemeral ports that sockets from the proxy's source address to the"
                        + " endpoint hold (TIME_WAIT included); at 1 new connects to it fail with EADDRNOTAVAIL")
                .register(registry);
    }

    /**
     * Starts sampling every {@link #INTERVAL}: the sockets towards the endpoints over
     * NETLINK_SOCK_DIAG where the kernel answers it, else from {@code /proc/net/tcp*}; without
     * {@code /proc/net/tcp} (not Linux) it says so once and exports nothing.
     */
    public static PortPressureMonitor start(Supplier<List<Cluster>> clusters, MeterRegistry registry) {
        Procfs proc = Procfs.system();
        PortPressureMonitor monitor = new PortPressureMonitor(clusters, PortUseReader.best(proc, ByteOrder.nativeOrder()),
                RouteLookup.kernel(), registry);
        boolean readable;
        try {
            readable = proc.net("tcp").isPresent();
        } catch (IOException e) {
            readable = false;
        }
        if (!readable) {
            log.atInfo().setMessage("upstream port pressure not sampled: no /proc/net/tcp to read").log();
            return monitor;
        }
        // SCHED_IDLE: a sample can take tens of ms of CPU, which must never stall the event loops on a shared core
        monitor.timer = Executors.newSingleThreadScheduledExecutor(IdleThreads.factory("berth-port-pressure"));
        monitor.timer.execute(monitor::sampleQuietly);
        return monitor;
    }

    /**
     * Samples, then schedules the next sample {@link #INTERVAL} later, or later still when the
     * sample was expensive: the kernel walks every socket of the namespace (and, for
     * {@code /proc/net/tcp}, prints each: about 50 ms of system time with 28,000 sockets; the
     * filtered netlink dump about a fifth of that), and the monitor keeps its own cost under
     * {@value #MAX_CPU_PERCENT}% of a core.
     */
    private void sampleQuietly() {
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        try {
            sample(start);
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true; // once per run of failures, not every 5 s
                log.atWarn().setMessage("upstream port pressure could not be sampled")
                        .addKeyValue("error", String.valueOf(e.getMessage())).log();
            }
        }
        // The thread's own CPU time, not the wall clock: at SCHED_IDLE a sample waits whenever the
        // event loops are busy, and the first one also pays for class loading and linking.
        long cpu = cpuNanos();
        long took = cpu >= 0 && cpuStart >= 0 ? cpu - cpuStart : System.nanoTime() - start;
        if (first) {
            first = false;
            took = Math.min(took, INTERVAL.toNanos() / (100 / MAX_CPU_PERCENT)); // a cold start says little about the next ones
        }
        long next = Math.max(INTERVAL.toNanos(), took * (100 / MAX_CPU_PERCENT));
        try {
            timer.schedule(this::sampleQuietly, next, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** CPU time of the calling thread in ns, or -1 where the JVM cannot tell. */
    private static long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    /** The last sample, in cluster and endpoint order. */
    public List<EndpointPressure> latest() {
        return List.copyOf(latest.values());
    }

    /**
     * Reads the sockets once, updates the gauge and logs what crossed the threshold.
     *
     * @param nowNanos the time, for the warnings' rate limit
     */
    public List<EndpointPressure> sample(long nowNanos) throws IOException {
        Set<InetSocketAddress> destinations = new HashSet<>();
        for (Cluster c : clusters.get()) {
            for (UpstreamEndpoint e : c.endpoints()) {
                destinations.add(e.address());
            }
        }
        EphemeralUse use = reader.read(destinations);
        Map<String, EndpointPressure> now = new LinkedHashMap<>();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Cluster c : clusters.get()) {
            for (UpstreamEndpoint e : c.endpoints()) {
                String key = c.name() + " " + e.label();
                if (!now.containsKey(key)) {
                    now.put(key, measure(use, c, e));
                    rows.add(MultiGauge.Row.of(Tags.of("cluster", c.name(), "endpoint", e.label()), key, this::ratioOf));
                }
            }
        }
        latest = now;
        gauge.register(rows, false);
        alarm.retainOnly(now.keySet());
        now.forEach((key, p) -> {
            switch (alarm.observe(key, p.ratio(), nowNanos)) {
                case WARN -> warn(p, use);
                case CLEAR -> log.atInfo().setMessage("upstream port pressure is back below 70%")
                        .addKeyValue("cluster", p.cluster()).addKeyValue("endpoint", p.endpoint())
                        .addKeyValue("percent", p.percent()).log();
                case NONE -> { }
            }
        });
        return List.copyOf(now.values());
    }

    private double ratioOf(String key) {
        EndpointPressure p = latest.get(key);
        return p == null ? Double.NaN : p.ratio();
    }

    private EndpointPressure measure(EphemeralUse use, Cluster cluster, UpstreamEndpoint endpoint) {
        InetAddress ip = endpoint.address().getAddress();
        IpAddress destination = IpAddress.of(ip).withoutScope().unmapped();
        int port = endpoint.address().getPort();
        InetAddress bound = cluster.config().sourceAddress();
        InetAddress source = bound != null && (bound instanceof Inet4Address) == (ip instanceof Inet4Address)
                ? bound : routes.sourceFor(endpoint.address()).orElse(null);
        DestinationPressure d = source != null
                ? use.of(IpAddress.of(source).withoutScope().unmapped(), destination, port).orElse(null)
                : use.towards(destination, port).stream().findFirst().orElse(null); // no route known: the fullest source
        int usable = use.pool().usable();
        int sockets = d == null ? 0 : d.sockets();
        double ratio = usable == 0 ? 1.0 : Math.min(1.0, (double) sockets / usable);
        String shownSource = source != null ? SocketAddresses.ip(source) : d != null ? d.source().toCanonicalString() : null;
        String states = d == null ? "" : d.states().entrySet().stream().map(s -> s.getValue() + " " + s.getKey())
                .collect(Collectors.joining(", "));
        return new EndpointPressure(cluster.name(), endpoint.label(), shownSource, sockets, usable, ratio, states);
    }

    private static void warn(EndpointPressure p, EphemeralUse use) {
        String from = p.source() == null ? "" : " from " + p.source();
        log.atWarn().setMessage("upstream port pressure")
                .addKeyValue("cluster", p.cluster()).addKeyValue("endpoint", p.endpoint()).addKeyValue("source", p.source())
                .addKeyValue("sockets", p.sockets()).addKeyValue("usable", p.usable()).addKeyValue("percent", p.percent())
                .addKeyValue("severity", p.ratio() >= CRITICAL_RATIO ? "critical" : "warning")
                .addKeyValue("detail", "connections to " + p.endpoint() + from + " hold " + p.sockets() + " of the "
                        + p.usable() + " usable ephemeral ports (" + p.percent() + "%, range " + use.pool().range() + ")"
                        + (p.states().isEmpty() ? "" : ": " + p.states()) + "; when none is left, connects to it fail with"
                        + " EADDRNOTAVAIL (reason UF, cause ports_exhausted) while other endpoints are unaffected")
                .addKeyValue("advice", ADVICE)
                .log();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
