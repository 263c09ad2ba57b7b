package dev.berth.proxy.metrics;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.ClusterStats;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.observe.ReasonCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every metric the proxy exports, declared here with its help text (Envoy's vocabulary:
 * {@code downstream_cx_*} per listener, {@code upstream_cx_*} per cluster). Counts come from
 * the data path through {@link ProxyObserver}; gauges read live state when scraped.
 */
public final class ProxyMetrics implements ProxyObserver, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, ListenerMeters> listeners = new ConcurrentHashMap<>();
    private final Map<String, ClusterMeters> clusters = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    // Meters that read a particular Cluster or ProxyListener object: re-bound when a reload replaces it.
    private final Map<String, List<Meter>> boundToCluster = new HashMap<>();
    private final Map<String, Runnable> unbindEndpointRows = new HashMap<>();
    private final Map<String, Meter> acceptErrors = new HashMap<>();
    private final Counter reloads;
    private final Counter reloadFailures;
    private volatile long configVersion = 1;

    private record ListenerMeters(Counter cxTotal, AtomicLong cxActive, Counter rxBytes, Counter txBytes, Counter denied,
                                  Counter shadowDenied, Counter proxyProtocolError) {}

    private record ClusterMeters(Counter cxTotal, Counter connectFail, Counter connectTimeout, Counter overflow,
                                 Counter noHealthy) {}

    public ProxyMetrics(List<String> listenerNames, List<Cluster> proxyClusters) {
        for (String name : listenerNames) {
            addListener(name);
        }
        for (Cluster c : proxyClusters) {
            bindCluster(c);
        }
        reloads = Counter.builder("config.reload").description("Configuration reloads that took effect (SIGHUP or POST /reload)")
                .register(registry);
        reloadFailures = Counter.builder("config.reload.failures")
                .description("Configuration reloads rejected (invalid file, a new address that could not be bound); the running configuration stayed")
                .register(registry);
        Gauge.builder("config.version", this, m -> m.configVersion).description("Version of the running configuration: 1 at start, +1 per reload that changed something")
                .register(registry);
        Gauge.builder("netty.direct.memory.used", () -> nettyDirectMemory()).baseUnit("bytes")
                .description("Direct memory held by Netty's buffer allocator").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * Declares a listener's meters (again after a reload: a name that already has them keeps
     * its counts, which is what a dashboard across reloads wants).
     */
    public void addListener(String name) {
        listeners.computeIfAbsent(name, n -> {
            AtomicLong active = new AtomicLong();
            Gauge.builder("downstream.cx.active", active, AtomicLong::get)
                    .description("Client connections open on the listener").tag("listener", name).register(registry);
            return new ListenerMeters(
                    Counter.builder("downstream.cx").description("Client connections accepted by the listener")
                            .tag("listener", name).register(registry),
                    active,
                    Counter.builder("downstream.cx.rx.bytes").description("Bytes received from clients").baseUnit("bytes")
                            .tag("listener", name).register(registry),
                    Counter.builder("downstream.cx.tx.bytes").description("Bytes sent to clients").baseUnit("bytes")
                            .tag("listener", name).register(registry),
                    Counter.builder("downstream.cx.denied")
                            .description("Client connections refused by the listener's policy (PD), before any upstream connection")
                            .tag("listener", name).register(registry),
                    Counter.builder("downstream.cx.shadow.denied")
                            .description("Client connections the policy would deny, let through because the policy is in shadow mode")
                            .tag("listener", name).register(registry),
                    Counter.builder("downstream.cx.proxy.protocol.error")
                            .description("Client connections closed for their PROXY protocol header (PP): malformed, too long, "
                                    + "too slow, or from a peer outside trusted_sources")
                            .tag("listener", name).register(registry));
        });
    }

    /**
     * Declares a cluster's meters, or points them at the cluster object that replaced one of
     * the same name on a reload. Counters are kept by name; gauges that read the old object are
     * removed and registered anew (a replacing cluster carries the old one's {@link ClusterStats}).
     */
    public synchronized void bindCluster(Cluster c) {
        String name = c.name();
        clusters.computeIfAbsent(name, n -> new ClusterMeters(
                Counter.builder("upstream.cx").description("Connections established to the cluster's endpoints")
                        .tag("cluster", name).register(registry),
                Counter.builder("upstream.cx.connect.fail").description("Connection attempts to endpoints that failed (refused, unreachable, ...)")
                        .tag("cluster", name).register(registry),
                Counter.builder("upstream.cx.connect.timeout").description("Connection attempts to endpoints that timed out")
                        .tag("cluster", name).register(registry),
                Counter.builder("upstream.cx.overflow").description("Clients closed because a circuit breaker was full: max_connections or max_pending (UO)")
                        .tag("cluster", name).register(registry),
                Counter.builder("upstream.cx.none.healthy").description("Clients closed because the cluster had no healthy endpoint to pick (UH)")
                        .tag("cluster", name).register(registry)));
        unbindCluster(name);
        List<Meter> bound = new ArrayList<>();
        ClusterStats stats = c.stats();
        bound.add(Gauge.builder("upstream.cx.active", c, Cluster::activeConnections)
                .description("Connections to the cluster open or being opened").tag("cluster", name).register(registry));
        bound.add(Gauge.builder("cluster.endpoints", c, cl -> cl.endpoints().size())
                .description("Endpoints the cluster currently has").tag("cluster", name).register(registry));
        // Circuit breakers, active checks, outlier ejection, panic, and each endpoint's health.
        bound.add(Gauge.builder("upstream.cx.pending", c, Cluster::pendingConnections)
                .description("Clients waiting for their upstream connect (bounded by max_pending)").tag("cluster", name).register(registry));
        bound.add(FunctionCounter.builder("upstream.cx.pending.overflow", stats, ClusterStats::pendingOverflows)
                .description("Clients closed because the cluster's max_pending connects were already waiting (UO)")
                .tag("cluster", name).register(registry));
        bound.add(FunctionCounter.builder("health.check", stats, ClusterStats::healthChecks)
                .description("Active health checks run against the cluster's endpoints").tag("cluster", name).register(registry));
        bound.add(FunctionCounter.builder("health.check.failure", stats, ClusterStats::healthCheckFailures)
                .description("Active health checks that failed").tag("cluster", name).register(registry));
        bound.add(FunctionCounter.builder("health.check.transitions", stats, ClusterStats::becameHealthy)
                .description("Endpoints that active checks turned healthy or unhealthy")
                .tags("cluster", name, "to", "healthy").register(registry));
        bound.add(FunctionCounter.builder("health.check.transitions", stats, ClusterStats::becameUnhealthy)
                .description("Endpoints that active checks turned healthy or unhealthy")
                .tags("cluster", name, "to", "unhealthy").register(registry));
        bound.add(FunctionCounter.builder("outlier.ejections", stats, ClusterStats::ejections)
                .description("Endpoints ejected by outlier detection (consecutive connection failures)")
                .tag("cluster", name).register(registry));
        bound.add(Gauge.builder("cluster.endpoints.healthy", c, Cluster::healthyEndpoints)
                .description("Endpoints that take traffic by their health (not failing checks, not ejected)")
                .tag("cluster", name).register(registry));
        bound.add(Gauge.builder("cluster.panic", c, cl -> cl.panic() ? 1 : 0)
                .description("1 while fewer than panic_threshold percent of the endpoints are healthy and all of them take traffic")
                .tag("cluster", name).register(registry));
        boundToCluster.put(name, bound);
        MultiGauge perEndpoint = MultiGauge.builder("cluster.endpoint.healthy")
                .description("1 when the endpoint takes new connections (active checks pass or are unknown, not ejected), else 0")
                .tag("cluster", name).register(registry);
        Runnable rows = () -> perEndpoint.register(c.endpoints().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("endpoint", e.label()), e, ep -> ep.healthy() ? 1 : 0))
                .toList(), true);
        rows.run();
        c.addMembershipListener(rows);
        unbindEndpointRows.put(name, () -> {
            c.removeMembershipListener(rows);
            perEndpoint.register(List.of(), true);
        });
    }

    private void unbindCluster(String name) {
        for (Meter m : boundToCluster.getOrDefault(name, List.of())) {
            registry.remove(m);
        }
        boundToCluster.remove(name);
        Runnable rows = unbindEndpointRows.remove(name);
        if (rows != null) {
            rows.run();
        }
    }

    /** Exports the listener's accept(2) failure count (for example EMFILE), from this listener object on. */
    public synchronized void bindAcceptErrors(ProxyListener listener) {
        String name = listener.config().name();
        Meter previous = acceptErrors.remove(name);
        if (previous != null) {
            registry.remove(previous);
        }
        acceptErrors.put(name, Gauge.builder("listener.accept.errors", listener, ProxyListener::acceptErrors)
                .description("accept(2) failures on the listener (for example EMFILE)")
                .tag("listener", name).register(registry));
    }

    /** A reload took effect; the running configuration is now {@code version}. */
    public void reloaded(long version) {
        reloads.increment();
        configVersion = version;
    }

    /** A reload was rejected. */
    public void reloadFailed() {
        reloadFailures.increment();
    }

    private static double nettyDirectMemory() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            return p.metric().usedDirectMemory();
        }
        return PlatformDependent.usedDirectMemory();
    }

    /** The registry, for meters declared beside their source (the port-pressure gauge and counter, {@code portpressure}). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void accepted(ConnectionInfo info) {
        ListenerMeters m = listeners.get(info.listener());
        m.cxTotal().increment();
        m.cxActive().incrementAndGet();
    }

    @Override
    public void shadowDenied(ConnectionInfo info) {
        listeners.get(info.listener()).shadowDenied().increment();
    }

    @Override
    public void upstreamConnected(ConnectionInfo info) {
        clusters.get(info.cluster()).cxTotal().increment();
    }

    @Override
    public void upstreamConnectFailed(ConnectionInfo info, String endpoint, boolean timedOut) {
        ClusterMeters m = clusters.get(info.cluster());
        (timedOut ? m.connectTimeout() : m.connectFail()).increment();
    }

    @Override
    public void bytes(ConnectionInfo info, long fromDownstream, long toDownstream) {
        ListenerMeters m = listeners.get(info.listener());
        if (fromDownstream != 0) {
            m.rxBytes().increment(fromDownstream);
        }
        if (toDownstream != 0) {
            m.txBytes().increment(toDownstream);
        }
    }

    @Override
    public void closed(ConnectionInfo info) {
        ListenerMeters lm = listeners.get(info.listener());
        lm.cxActive().decrementAndGet();
        if (info.reason() == ReasonCode.PD) {
            lm.denied().increment();
        } else if (info.reason() == ReasonCode.PP) {
            lm.proxyProtocolError().increment();
        }
        ClusterMeters m = clusters.get(info.cluster());
        if (info.reason() == ReasonCode.UO) {
            m.overflow().increment();
        } else if (info.reason() == ReasonCode.UH) {
            m.noHealthy().increment();
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
