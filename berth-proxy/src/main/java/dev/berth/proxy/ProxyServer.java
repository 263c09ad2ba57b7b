package dev.berth.proxy;

import dev.berth.proxy.accesslog.AccessLogObserver;
import dev.berth.proxy.accesslog.AccessLogWriter;
import dev.berth.proxy.admin.AdminServer;
import dev.berth.proxy.admin.ClustersJson;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.ClusterManager;
import dev.berth.proxy.config.AccessLogConfig;
import dev.berth.proxy.config.ConfigDump;
import dev.berth.proxy.config.ConfigError;
import dev.berth.proxy.config.ConfigException;
import dev.berth.proxy.config.ConfigSource;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.LoadedConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.health.probe.HealthChecker;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.metrics.ProxyMetrics;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.portpressure.PortExhaustionObserver;
import dev.berth.proxy.portpressure.PortPressureMonitor;
import dev.berth.proxy.portpressure.UpstreamSocketsReport;
import dev.berth.proxy.reload.ConfigChanges;
import dev.berth.proxy.reload.ReloadResult;
import dev.berth.proxy.upstream.UpstreamConnector;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: listeners, clusters, admin endpoint, access logs and metrics, and the
 * lifecycle start → serving → draining → stopped.
 *
 * <p>Drain ({@link #drain()}, on SIGTERM or {@code POST /drain}): readiness turns 503 at once,
 * then every listener drains as {@link ListenerDrain} describes, and the proxy stops.
 *
 * <p>Reload ({@link #reload}, on SIGHUP or {@code POST /reload}): the file is read and validated;
 * an invalid one changes nothing. Otherwise listeners whose address is new are bound first (a
 * bind that fails rejects the whole reload), then the clusters change (see
 * {@link ClusterManager#prepare}), listeners that keep their address keep their socket and take
 * the new settings for new connections, and listeners that were removed or moved drain as on
 * SIGTERM. Established connections are never touched by a reload.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");

    /** Lifecycle states, as {@code /ready} reports them. */
    public enum State {
        STARTING,
        SERVING,
        DRAINING,
        STOPPED
    }

    /** The configuration running now, its version (1 at start) and since when. */
    private record Running(LoadedConfig loaded, long version, Instant since) {
        ProxyConfig config() {
            return loaded.config();
        }
    }

    private final ConfigSource source;
    private final Transport transport;
    private final EventLoopGroup group;
    private final EventLoopGroup adminGroup;
    private final ClusterManager clusters;
    private final ProxyMetrics metrics;
    private final AccessLogObserver accessLog;
    private final ProxyObserver observer;
    private final PortPressureMonitor portPressure;
    private final AdminServer admin;
    private final CompletableFuture<String> drainRequested = new CompletableFuture<>();
    // Reloads, and the drain's switch out of SERVING, hold this: one configuration change at a time.
    private final Object reloadLock = new Object();
    // Access-log writers by target (a file path, or STDOUT), shared by the listeners that name it.
    private final Map<String, AccessLogWriter> writers = new HashMap<>();
    // Listeners that a reload removed or moved, draining.
    private final Set<ProxyListener> retiring = ConcurrentHashMap.newKeySet();
    private volatile List<ProxyListener> listeners;
    private volatile Running running;
    private volatile State state = State.STARTING;
    // Started when first needed (a cluster with health checks, ejections or a removal grace; a reload).
    private EventLoopGroup healthGroup;
    private HealthChecker healthChecker;
    private ExecutorService reloader;

    private ProxyServer(LoadedConfig loaded, ConfigSource source, int threads, Transport transport,
            ClusterManager.NameResolver resolver) {
        this.source = source;
        this.running = new Running(loaded, 1, Instant.now());
        ProxyConfig config = loaded.config();
        this.transport = transport;
        this.group = transport.newGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), "berth-proxy");
        this.adminGroup = transport.newGroup(1, "berth-admin");
        // Health checks, ejection timers and removal deadlines run on a loop of their own, off the data path.
        this.clusters = new ClusterManager(config.clusters(), resolver, this::healthLoop);
        for (Cluster c : clusters.clusters()) {
            if (c.config().healthCheck() != null) {
                healthChecker().add(c);
            }
        }
        if (!transport.splices() && config.listeners().stream().anyMatch(l -> l.zeroCopy() != ListenerConfig.ZeroCopy.OFF)) {
            log.atInfo().setMessage("zero_copy needs the epoll transport: listeners copy")
                    .addKeyValue("transport", transport.label()).log();
        }
        this.accessLog = new AccessLogObserver(openWriters(config.listeners(), writers));
        this.metrics = new ProxyMetrics(config.listeners().stream().map(ListenerConfig::name).toList(), clusters.clusters());
        // A lambda, not clusters::clusters: it reads the field at every sample, so it follows a replaced manager.
        this.portPressure = PortPressureMonitor.start(() -> clusters.clusters(), metrics.registry());
        this.observer = ProxyObserver.of(List.of(metrics, accessLog, new PortExhaustionObserver(metrics.registry())));
        List<ProxyListener> built = new ArrayList<>();
        for (ListenerConfig lc : config.listeners()) {
            ProxyListener listener = newListener(lc, clusters.cluster(lc.cluster()));
            metrics.bindAcceptErrors(listener);
            built.add(listener);
        }
        this.listeners = List.copyOf(built);
        this.admin = new AdminServer(new AdminBackend());
    }

    private ProxyListener newListener(ListenerConfig lc, Cluster cluster) {
        return new ProxyListener(lc, cluster, connector(lc, cluster), observer);
    }

    private UpstreamConnector connector(ListenerConfig lc, Cluster cluster) {
        return new UpstreamConnector(transport, cluster.config(), observer, lc.bufferBytes(), lc.tcpNoDelay());
    }

    private synchronized EventLoop healthLoop() {
        if (healthGroup == null) {
            healthGroup = transport.newGroup(1, "berth-health");
        }
        return healthGroup.next();
    }

    private synchronized HealthChecker healthChecker() {
        if (healthChecker == null) {
            healthChecker = new HealthChecker(healthLoop(), transport.socketChannel());
        }
        return healthChecker;
    }

    /**
     * The writer of each listener that logs, reusing those in {@link #writers} and putting the
     * ones it opens into {@code opened} (so that a rejected reload can close them again).
     *
     * @throws UncheckedIOException when a file cannot be opened
     */
    private Map<String, AccessLogWriter> openWriters(List<ListenerConfig> configs, Map<String, AccessLogWriter> opened) {
        Map<String, AccessLogWriter> byListener = new HashMap<>();
        for (ListenerConfig lc : configs) {
            AccessLogConfig c = lc.accessLog();
            if (c.target() == AccessLogConfig.Target.OFF) {
                continue;
            }
            String key = c.target() == AccessLogConfig.Target.FILE ? c.path().toString() : c.target().name();
            AccessLogWriter w = writers.get(key);
            if (w == null) {
                w = opened.get(key);
            }
            if (w == null) {
                try {
                    w = c.target() == AccessLogConfig.Target.FILE ? AccessLogWriter.file(c.path()) : AccessLogWriter.stdout();
                } catch (IOException e) {
                    throw new UncheckedIOException("listener '" + lc.name() + "': cannot open access log " + c.path() + ": " + e.getMessage(), e);
                }
                opened.put(key, w);
            }
            byListener.put(lc.name(), w);
        }
        return byListener;
    }

    /**
     * Binds the admin endpoint and every listener of the source's configuration, then serves.
     *
     * @param threads event-loop threads for the data path; 0 = one per core
     * @throws ConfigException when the configuration is invalid
     */
    public static ProxyServer start(ConfigSource source, int threads, ClusterManager.NameResolver resolver) throws BindFailedException {
        return start(source.load(), source, threads, resolver);
    }

    /**
     * Binds and serves {@code loaded}, a configuration already read from {@code source}; reloads
     * read {@code source} again.
     */
    public static ProxyServer start(LoadedConfig loaded, ConfigSource source, int threads, ClusterManager.NameResolver resolver)
            throws BindFailedException {
        return start(loaded, source, threads, Transport.best(), resolver);
    }

    /** As {@link #start(LoadedConfig, ConfigSource, int, ClusterManager.NameResolver)}, on {@code transport}. */
    public static ProxyServer start(LoadedConfig loaded, ConfigSource source, int threads, Transport transport,
            ClusterManager.NameResolver resolver) throws BindFailedException {
        ProxyServer server = new ProxyServer(loaded, source, threads, transport, resolver);
        try {
            server.admin.bind(server.adminGroup, server.transport, loaded.config().admin().address());
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
                .addKeyValue("transport", server.transport.label())
                .addKeyValue("config", loaded.source()).addKeyValue("sha256", loaded.sha256()).log();
        return server;
    }

    /** A proxy running a fixed configuration (reloads find it unchanged). */
    public static ProxyServer start(ProxyConfig config, int threads, ClusterManager.NameResolver resolver) throws BindFailedException {
        return start(config, threads, Transport.best(), resolver);
    }

    /** Serves {@code config}, built in process, on {@code transport}. */
    public static ProxyServer start(ProxyConfig config, int threads, Transport transport, ClusterManager.NameResolver resolver)
            throws BindFailedException {
        ConfigSource source = ConfigSource.fixed(config, "in-process");
        return start(source.load(), source, threads, transport, resolver);
    }

    /** The socket transport the data path runs on. */
    public Transport transport() {
        return transport;
    }

    public State state() {
        return state;
    }

    /** The listeners of the running configuration (not those draining after a reload). */
    public List<ProxyListener> listeners() {
        return listeners;
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

    /** The running configuration. */
    public ProxyConfig config() {
        return running.config();
    }

    /** The running configuration's version: 1 at start, one more for each reload that changed something. */
    public long configVersion() {
        return running.version();
    }

    /** Completes when a drain is requested through the admin endpoint. */
    public CompletableFuture<String> drainRequested() {
        return drainRequested;
    }

    /** Open proxied connections across listeners, including those draining after a reload. */
    public int openConnections() {
        return ListenerDrain.open(allListeners());
    }

    private List<ProxyListener> allListeners() {
        List<ProxyListener> all = new ArrayList<>(listeners);
        all.addAll(retiring);
        return all;
    }

    // ---- reload -----------------------------------------------------------------------------

    /** {@link #reload} on a thread of its own (one at a time), for signal handlers and the admin endpoint. */
    public CompletableFuture<ReloadResult> reloadAsync(String trigger) {
        synchronized (this) {
            if (reloader == null) {
                reloader = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("berth-reload").factory());
            }
        }
        try {
            return CompletableFuture.supplyAsync(() -> reload(trigger), reloader);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(ReloadResult.rejected(running.version(), List.of("the proxy is stopping")));
        }
    }

    /**
     * Reads the configuration source again and applies what changed, as described on the class.
     *
     * @param trigger what asked for it, for the log ({@code SIGHUP}, {@code POST /reload})
     */
    public ReloadResult reload(String trigger) {
        synchronized (reloadLock) {
            Running cur = running;
            if (state != State.SERVING) {
                return ReloadResult.rejected(cur.version(), List.of("the proxy is " + state.name().toLowerCase(Locale.ROOT)
                        + "; reload ignored"));
            }
            LoadedConfig next;
            try {
                next = source.load();
            } catch (ConfigException e) {
                return rejected(cur, trigger, e.errors().stream().map(ConfigError::toString).toList());
            }
            List<String> changes = ConfigChanges.between(cur.config(), next.config());
            if (changes.isEmpty()) {
                log.atInfo().setMessage("config reload: nothing changed").addKeyValue("trigger", trigger)
                        .addKeyValue("version", cur.version()).addKeyValue("sha256", next.sha256()).log();
                return new ReloadResult(ReloadResult.Outcome.UNCHANGED, cur.version(), List.of(), List.of());
            }
            return apply(cur, next, changes, trigger);
        }
    }

    private ReloadResult apply(Running cur, LoadedConfig next, List<String> changes, String trigger) {
        ProxyConfig after = next.config();
        ClusterManager.Changes plan = clusters.prepare(after.clusters());
        Map<String, ProxyListener> current = new LinkedHashMap<>();
        for (ProxyListener l : listeners) {
            current.put(l.config().name(), l);
        }
        // Everything that can fail comes first, while nothing has changed: opening new access
        // logs and binding new addresses. Any failure leaves the running configuration as it was.
        Map<String, AccessLogWriter> opened = new HashMap<>();
        List<ProxyListener> bound = new ArrayList<>();
        Map<String, AccessLogWriter> byListener;
        try {
            byListener = openWriters(after.listeners(), opened);
            for (ListenerConfig lc : after.listeners()) {
                ProxyListener old = current.get(lc.name());
                if (old == null && renamed(lc, current, after) != null) {
                    continue; // a listener renamed on the same address keeps its socket
                }
                if (old == null || !old.config().address().equals(lc.address())) {
                    ProxyListener fresh = newListener(lc, plan.cluster(lc.cluster()));
                    fresh.bind(group, transport);
                    bound.add(fresh);
                }
            }
        } catch (BindFailedException | UncheckedIOException e) {
            for (ProxyListener l : bound) {
                l.stopAccepting();
            }
            for (AccessLogWriter w : opened.values()) {
                w.close();
            }
            return rejected(cur, trigger, List.of(e.getMessage()));
        }
        writers.putAll(opened);

        // Listeners first, clusters second: until every listener sends new connections to the
        // new cluster objects, the old ones must keep their endpoints.
        Map<String, ProxyListener> fresh = new HashMap<>();
        for (ProxyListener l : bound) {
            fresh.put(l.config().name(), l);
        }
        List<ProxyListener> nextListeners = new ArrayList<>();
        for (ListenerConfig lc : after.listeners()) {
            ProxyListener l = fresh.get(lc.name());
            if (l == null) {
                ProxyListener previous = current.remove(lc.name());
                l = previous != null ? previous : current.remove(renamed(lc, current, after).config().name());
                Cluster cluster = plan.cluster(lc.cluster());
                if (!l.config().equals(lc) || l.cluster() != cluster) {
                    l.update(lc, cluster, connector(lc, cluster));
                }
            }
            metrics.addListener(lc.name());
            metrics.bindAcceptErrors(l);
            nextListeners.add(l);
        }
        clusters.commit(plan);
        for (ClusterManager.Changes.Replacement r : plan.replaced()) {
            unwatch(r.previous());
            watch(r.next());
        }
        for (Cluster c : plan.removed()) {
            unwatch(c);
        }
        for (Cluster c : plan.added()) {
            watch(c);
        }

        // Records of connections still open on a removed listener still go to its old log.
        Map<String, AccessLogWriter> logs = new HashMap<>(byListener);
        for (String gone : current.keySet()) {
            accessLogOf(cur.config(), gone).ifPresent(w -> logs.putIfAbsent(gone, w));
        }
        accessLog.update(logs);
        listeners = List.copyOf(nextListeners);
        for (ProxyListener old : current.values()) {
            retire(old, after);
        }
        long version = cur.version() + 1;
        running = new Running(next, version, Instant.now());
        metrics.reloaded(version);
        log.atInfo().setMessage("config reloaded").addKeyValue("trigger", trigger).addKeyValue("version", version)
                .addKeyValue("changes", String.join("; ", changes)).addKeyValue("sha256", next.sha256()).log();
        return new ReloadResult(ReloadResult.Outcome.RELOADED, version, changes, List.of());
    }

    /**
     * The running listener that {@code lc} renames: one on the same address whose name the new
     * configuration no longer has. Its socket is kept, as for any listener whose address stays.
     */
    private static ProxyListener renamed(ListenerConfig lc, Map<String, ProxyListener> running, ProxyConfig after) {
        for (ProxyListener l : running.values()) {
            String name = l.config().name();
            if (l.config().address().equals(lc.address()) && after.listeners().stream().noneMatch(n -> n.name().equals(name))) {
                return l;
            }
        }
        return null;
    }

    private Optional<AccessLogWriter> accessLogOf(ProxyConfig config, String listener) {
        for (ListenerConfig lc : config.listeners()) {
            if (lc.name().equals(listener) && lc.accessLog().target() != AccessLogConfig.Target.OFF) {
                String key = lc.accessLog().target() == AccessLogConfig.Target.FILE ? lc.accessLog().path().toString()
                        : lc.accessLog().target().name();
                return Optional.ofNullable(writers.get(key));
            }
        }
        return Optional.empty();
    }

    /** Stops checking a cluster a reload replaced or removed (no health loop is started just for that). */
    private void unwatch(Cluster c) {
        if (c.config().healthCheck() != null) {
            healthChecker().remove(c);
        }
    }

    private void watch(Cluster c) {
        if (c.config().healthCheck() != null) {
            healthChecker().add(c);
        }
        metrics.bindCluster(c);
    }

    /** A listener the reload removed or moved: it drains on a thread of its own, as on SIGTERM. */
    private void retire(ProxyListener old, ProxyConfig after) {
        retiring.add(old);
        String name = old.config().name();
        log.atInfo().setMessage("listener draining after reload").addKeyValue("listener", name)
                .addKeyValue("address", old.boundAddress().toString()).addKeyValue("open_connections", old.connections().size()).log();
        Thread.ofPlatform().daemon().name("berth-drain-" + name).start(() -> {
            ListenerDrain.Outcome o = ListenerDrain.run(List.of(old), after.shutdown());
            retiring.remove(old);
            log.atInfo().setMessage("listener drained").addKeyValue("listener", name)
                    .addKeyValue("closed_idle", o.closedIdle()).addKeyValue("closed_at_deadline", o.closedAtDeadline()).log();
        });
    }

    private ReloadResult rejected(Running cur, String trigger, List<String> errors) {
        metrics.reloadFailed();
        log.atWarn().setMessage("config reload rejected; the running configuration stays").addKeyValue("trigger", trigger)
                .addKeyValue("version", cur.version()).addKeyValue("errors", String.join("\n", errors)).log();
        return ReloadResult.rejected(cur.version(), errors);
    }

    // ---- drain and stop ---------------------------------------------------------------------

    /** Graceful drain as described on {@link ListenerDrain}; blocks until stopped. */
    public void drain() {
        synchronized (reloadLock) {
            if (state == State.DRAINING || state == State.STOPPED) {
                return;
            }
            state = State.DRAINING;
        }
        ProxyConfig config = running.config();
        log.atInfo().setMessage("draining").addKeyValue("open_connections", openConnections())
                .addKeyValue("accept_grace_ms", config.shutdown().acceptGrace().toMillis())
                .addKeyValue("drain_timeout_ms", config.shutdown().drainTimeout().toMillis()).log();
        ListenerDrain.Outcome o = ListenerDrain.run(allListeners(), config.shutdown());
        log.atInfo().setMessage("stopped").addKeyValue("closed_idle", o.closedIdle()).addKeyValue("closed_at_deadline", o.closedAtDeadline()).log();
        stopNow();
    }

    /** Stops at once: closes everything, flushes the access logs. */
    public void stopNow() {
        state = State.STOPPED;
        for (ProxyListener l : allListeners()) {
            l.stopAccepting();
        }
        admin.close();
        synchronized (this) {
            if (reloader != null) {
                reloader.shutdownNow();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        clusters.close();
        synchronized (this) {
            if (healthChecker != null) {
                healthChecker.close();
            }
            if (healthGroup != null) {
                healthGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
        }
        for (AccessLogWriter w : writers.values()) {
            w.close();
        }
        portPressure.close();
        metrics.close();
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
            Running r = running;
            return ConfigDump.toVersionedJson(r.loaded(), r.version(), r.since());
        }

        @Override
        public void drain() {
            drainRequested.complete("POST /drain");
        }

        @Override
        public CompletableFuture<ReloadResult> reload() {
            return reloadAsync("POST /reload");
        }

        @Override
        public String diagSockets(boolean json) throws IOException {
            return UpstreamSocketsReport.live(() -> clusters.clusters()).render(Instant.now(), json);
        }
    }
}
