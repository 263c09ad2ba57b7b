package dev.berth.proxy;

import dev.berth.proxy.accesslog.AccessLogObserver;
import dev.berth.proxy.accesslog.AccessLogWriter;
import dev.berth.proxy.admin.AdminServer;
import dev.berth.proxy.admin.ClustersJson;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.ClusterManager;
import dev.berth.proxy.config.AccessLogConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.health.probe.HealthChecker;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.portpressure.PortExhaustionObserver;
import dev.berth.proxy.portpressure.PortPressureMonitor;
import dev.berth.proxy.portpressure.UpstreamSocketsReport;
import dev.berth.proxy.relay.ProxyConnection;
import dev.berth.proxy.upstream.UpstreamConnector;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: listeners, clusters, admin endpoint, access logs and metrics, and the
 * lifecycle start → serving → draining → stopped.
 *
 * <p>Drain ({@link #drain()}, on SIGTERM or {@code POST /drain}): readiness turns 503 at once;
 * listeners keep accepting for {@code accept_grace}; then they stop (new connects are refused).
 * Connections with no traffic for a second are closed first, spread over the first half of
 * {@code drain_timeout} rather than all at once (a reconnect storm onto the other replicas is
 * what a drain should avoid); connections still moving bytes are left to finish and closed as
 * soon as they go quiet; whatever is open at the deadline is closed with {@code DR}.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Lifecycle states, as {@code /ready} reports them. */
    public enum State {
        STARTING,
        SERVING,
        DRAINING,
        STOPPED
    }

    private final ProxyConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final EventLoopGroup adminGroup;
    private final ClusterManager clusters;
    private final EventLoopGroup healthGroup;
    private final HealthChecker healthChecker;
    private final List<ProxyListener> listeners = new ArrayList<>();
    private final Map<String, AccessLogWriter> writers = new HashMap<>();
    private final ProxyMetrics metrics;
    private final PortPressureMonitor portPressure;
    private final AdminServer admin;
    private final Supplier<String> configJson;
    private final CompletableFuture<String> drainRequested = new CompletableFuture<>();
    private volatile State state = State.STARTING;

    private ProxyServer(ProxyConfig config, int threads, ClusterManager.NameResolver resolver, Supplier<String> configJson) {
        this.config = config;
        this.configJson = configJson;
        this.transport = Transport.best();
        this.group = transport.newGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), "berth-proxy");
        this.adminGroup = transport.newGroup(1, "berth-admin");
        // Health checks, ejection timers and removal deadlines get a loop of their own, off the data path.
        boolean needsHealthLoop = config.clusters().stream().anyMatch(c -> c.healthCheck() != null || c.outlierDetection() != null
                || !c.endpointRemovalGrace().isZero());
        this.healthGroup = needsHealthLoop ? transport.newGroup(1, "berth-health") : null;
        EventLoop healthLoop = healthGroup == null ? null : healthGroup.next();
        this.clusters = new ClusterManager(config.clusters(), resolver, healthLoop);
        this.healthChecker = healthLoop == null ? null : new HealthChecker(healthLoop, transport.socketChannel(), clusters.clusters());
        if (healthChecker != null) {
            healthChecker.start();
        }
        Map<String, AccessLogWriter> byListener = new HashMap<>();
        for (ListenerConfig lc : config.listeners()) {
            AccessLogWriter w = writerFor(lc.accessLog());
            if (w != null) {
                byListener.put(lc.name(), w);
            }
        }
        this.metrics = new ProxyMetrics(config.listeners().stream().map(ListenerConfig::name).toList(), clusters.clusters());
        // A lambda, not clusters::clusters: it reads the field at every sample, so it follows a replaced manager.
        this.portPressure = PortPressureMonitor.start(() -> clusters.clusters(), metrics.registry());
        ProxyObserver observer = ProxyObserver.of(List.of(metrics, new AccessLogObserver(byListener),
                new PortExhaustionObserver(metrics.registry())));
        for (ListenerConfig lc : config.listeners()) {
            Cluster cluster = clusters.cluster(lc.cluster());
            UpstreamConnector connector = new UpstreamConnector(transport, cluster.config(), observer, lc.bufferBytes(), lc.tcpNoDelay());
            ProxyListener listener = new ProxyListener(lc, cluster, connector, observer);
            metrics.bindAcceptErrors(listener);
            listeners.add(listener);
        }
        this.admin = new AdminServer(new AdminBackend());
    }

    private AccessLogWriter writerFor(AccessLogConfig c) {
        String key = c.target() == AccessLogConfig.Target.FILE ? c.path().toString() : c.target().name();
        if (c.target() == AccessLogConfig.Target.OFF) {
            return null;
        }
        return writers.computeIfAbsent(key, k -> {
            try {
                return c.target() == AccessLogConfig.Target.FILE ? AccessLogWriter.file(c.path()) : AccessLogWriter.stdout();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open access log " + c.path() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * Binds the admin endpoint and every listener, then serves.
     *
     * @param threads    event-loop threads for the data path; 0 = one per core
     * @param configJson the effective config as JSON, for {@code /config_dump}
     */
    public static ProxyServer start(ProxyConfig config, int threads, ClusterManager.NameResolver resolver,
                                    Supplier<String> configJson) throws BindFailedException {
        ProxyServer server = new ProxyServer(config, threads, resolver, configJson);
        try {
            server.admin.bind(server.adminGroup, server.transport, config.admin().address());
            for (ProxyListener l : server.listeners) {
                l.bind(server.group, server.transport);
            }
        } catch (BindFailedException | RuntimeException e) {
            server.stopNow();
            throw e;
        }
        server.state = State.SERVING;
        log.atInfo().setMessage("serving").addKeyValue("listeners", server.listeners.size())
                .addKeyValue("clusters", server.clusters.clusters().size())
                .addKeyValue("transport", server.transport.label()).log();
        return server;
    }

    public State state() {
        return state;
    }

    public List<ProxyListener> listeners() {
        return List.copyOf(listeners);
    }

    public ProxyListener listener(String name) {
        return listeners.stream().filter(l -> l.config().name().equals(name)).findFirst().orElseThrow();
    }

    public ClusterManager clusters() {
        return clusters;
    }

    public AdminServer admin() {
        return admin;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Completes when a drain is requested through the admin endpoint. */
    public CompletableFuture<String> drainRequested() {
        return drainRequested;
    }

    /** Open proxied connections across listeners. */
    public int openConnections() {
        return listeners.stream().mapToInt(l -> l.connections().size()).sum();
    }

    /** Graceful drain as described on the class; blocks until stopped. */
    public void drain() {
        if (state == State.DRAINING || state == State.STOPPED) {
            return;
        }
        state = State.DRAINING;
        Duration grace = config.shutdown().acceptGrace();
        Duration timeout = config.shutdown().drainTimeout();
        log.atInfo().setMessage("draining").addKeyValue("open_connections", openConnections())
                .addKeyValue("accept_grace_ms", grace.toMillis()).addKeyValue("drain_timeout_ms", timeout.toMillis()).log();
        sleepUninterruptibly(grace);
        for (ProxyListener l : listeners) {
            l.stopAccepting();
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long quietPhaseEnd = start + timeout.toNanos() / 2;
        long tick = TimeUnit.MILLISECONDS.toNanos(100);
        int closedQuiet = 0;
        while (openConnections() > 0 && System.nanoTime() - deadline < 0) {
            long now = System.nanoTime();
            List<ProxyConnection> quiet = new ArrayList<>();
            for (ProxyListener l : listeners) {
                for (ProxyConnection c : l.connections()) {
                    if (c.idleNanos(now) >= QUIET_NANOS) {
                        quiet.add(c);
                    }
                }
            }
            // Spread the quiet ones over the first half of the window: ticks left in it share them.
            long ticksLeft = Math.max(1, (quietPhaseEnd - now) / tick);
            int batch = (int) Math.min(quiet.size(), Math.max(1, (quiet.size() + ticksLeft - 1) / ticksLeft));
            for (int i = 0; i < batch; i++) {
                quiet.get(i).terminate(ReasonCode.DR, "drain: connection was idle");
                closedQuiet++;
            }
            sleepUninterruptibly(Duration.ofNanos(Math.min(tick, Math.max(0, deadline - System.nanoTime()))));
        }
        int forced = 0;
        for (ProxyListener l : listeners) {
            for (ProxyConnection c : l.connections()) {
                c.terminate(ReasonCode.DR, "drain: timeout reached");
                forced++;
            }
        }
        log.atInfo().setMessage("stopped").addKeyValue("closed_idle", closedQuiet).addKeyValue("closed_at_deadline", forced).log();
        stopNow();
    }

    /** Stops at once: closes everything, flushes the access logs. */
    public void stopNow() {
        state = State.STOPPED;
        for (ProxyListener l : listeners) {
            l.stopAccepting();
        }
        admin.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        clusters.close();
        if (healthGroup != null) {
            healthChecker.close();
            healthGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        for (AccessLogWriter w : writers.values()) {
            w.close();
        }
        portPressure.close();
        metrics.close();
    }

    private static void sleepUninterruptibly(Duration d) {
        // Waiting out a configured grace period is the feature here, not synchronisation.
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                // keep waiting: the drain has its own deadline
            }
        }
    }

    String clustersJson() {
        return ClustersJson.render(clusters.clusters(), System.nanoTime());
    }

    private final class AdminBackend implements AdminServer.Backend {
        @Override
        public boolean ready() {
            return state == State.SERVING;
        }

        @Override
        public String metrics() {
            return metrics.scrape();
        }

        @Override
        public String clustersJson() {
            return ProxyServer.this.clustersJson();
        }

        @Override
        public String configJson() {
            return configJson.get();
        }

        @Override
        public void drain() {
            drainRequested.complete("POST /drain");
        }

        @Override
        public String diagSockets(boolean json) throws IOException {
            return UpstreamSocketsReport.live(() -> clusters.clusters()).render(Instant.now(), json);
        }
    }
}
