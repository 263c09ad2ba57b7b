package dev.berth.proxy.cluster;

import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the clusters and keeps their endpoints current: static clusters once, {@code dns}
 * clusters re-resolved every {@code dns_refresh} (both families; every address of a name is an
 * endpoint, as Envoy's STRICT_DNS does). A failed refresh keeps the last good endpoints.
 */
public final class ClusterManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("berth.cluster");

    /** Resolves a name to all its addresses; tests replace it. */
    public interface NameResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    // Swapped whole by apply(); read from any thread.
    private volatile Map<String, Cluster> clusters = Map.of();
    private final Map<String, ScheduledFuture<?>> refreshes = new HashMap<>();
    private final NameResolver resolver;
    private final Supplier<ScheduledExecutorService> timer;
    private ScheduledExecutorService dns;
    private ScheduledExecutorService ownTimer;

    /**
     * @param timer runs the clusters' ejection sweeps and removal deadlines (short tasks; the
     *              health checker's event loop), asked for only when a cluster needs one
     */
    public ClusterManager(List<ClusterConfig> configs, NameResolver resolver, Supplier<ScheduledExecutorService> timer) {
        this.resolver = resolver;
        this.timer = timer;
        apply(configs);
    }

    /**
     * @param timer runs the clusters' ejection sweeps and removal deadlines; {@code null}: one of
     *              its own when a cluster needs it
     */
    public ClusterManager(List<ClusterConfig> configs, NameResolver resolver, ScheduledExecutorService timer) {
        this.resolver = resolver;
        this.timer = timer == null ? this::ownTimer : () -> timer;
        apply(configs);
    }

    public ClusterManager(List<ClusterConfig> configs, NameResolver resolver) {
        this(configs, resolver, (ScheduledExecutorService) null);
    }

    public ClusterManager(List<ClusterConfig> configs) {
        this(configs, InetAddress::getAllByName);
    }

    private synchronized ScheduledExecutorService ownTimer() {
        if (ownTimer == null) {
            ownTimer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-cluster-timer").factory());
        }
        return ownTimer;
    }

    /**
     * What {@link #prepare} plans and {@link #commit} carries out.
     *
     * @param current the clusters after the change, in configuration order
     */
    public record Changes(List<Cluster> added, List<Cluster> removed, List<Replacement> replaced, List<Cluster> unchanged,
                          List<Cluster> current) {

        /** A cluster whose configuration changed: {@code previous} keeps its open connections, {@code next} takes new ones. */
        public record Replacement(Cluster previous, Cluster next) {}

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && replaced.isEmpty();
        }

        /** The cluster of that name after the change, or {@code null}. */
        public Cluster cluster(String name) {
            for (Cluster c : current) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** {@link #prepare} and {@link #commit} at once. */
    public synchronized Changes apply(List<ClusterConfig> configs) {
        return commit(prepare(configs));
    }

    /**
     * Plans making the clusters those of {@code configs}, without touching the current ones: a
     * cluster whose configuration is unchanged is kept as it is (health, ejections, counts); a
     * changed one is replaced by its {@linkplain Cluster#successor successor}, which takes over
     * the endpoints that stay when its health settings are unchanged (so a known-bad endpoint
     * does not take traffic again because a weight changed); a new one is built. The new
     * objects work at once (a listener may send connections to them) but nothing re-resolves
     * them until {@link #commit}; a plan that is not committed is simply dropped.
     */
    public synchronized Changes prepare(List<ClusterConfig> configs) {
        Map<String, Cluster> before = clusters;
        List<Cluster> current = new ArrayList<>();
        List<Cluster> added = new ArrayList<>();
        List<Changes.Replacement> replaced = new ArrayList<>();
        List<Cluster> unchanged = new ArrayList<>();
        for (ClusterConfig c : configs) {
            Cluster old = before.get(c.name());
            if (old != null && old.config().equals(c)) {
                current.add(old);
                unchanged.add(old);
                continue;
            }
            ScheduledExecutorService clusterTimer = needsTimer(c) ? timer.get() : null;
            if (old == null) {
                Cluster cluster = new Cluster(c, resolve(c, List.of()), clusterTimer, System::nanoTime);
                current.add(cluster);
                added.add(cluster);
                continue;
            }
            boolean sameHealth = Objects.equals(old.config().healthCheck(), c.healthCheck())
                    && Objects.equals(old.config().outlierDetection(), c.outlierDetection());
            Cluster next = old.successor(c, resolve(c, sameHealth ? old.endpoints() : List.of()), clusterTimer);
            current.add(next);
            replaced.add(new Changes.Replacement(old, next));
        }
        Set<String> names = new HashSet<>();
        for (ClusterConfig c : configs) {
            names.add(c.name());
        }
        List<Cluster> removed = before.values().stream().filter(old -> !names.contains(old.name())).toList();
        return new Changes(List.copyOf(added), removed, List.copyOf(replaced), List.copyOf(unchanged), List.copyOf(current));
    }

    /**
     * Makes a {@linkplain #prepare prepared} change current. Clusters that are no longer current
     * keep serving the connections they have; the endpoints whose address left the cluster drain
     * under the old removal grace; an address that stays keeps its connections, even when new
     * health settings gave it a fresh endpoint object.
     */
    public synchronized Changes commit(Changes changes) {
        Map<String, Cluster> after = new LinkedHashMap<>();
        for (Cluster c : changes.current()) {
            after.put(c.name(), c);
        }
        clusters = Collections.unmodifiableMap(after);
        for (Changes.Replacement r : changes.replaced()) {
            r.previous().markReplacedBy(r.next());
            Set<InetSocketAddress> staying = new HashSet<>();
            for (UpstreamEndpoint e : r.next().endpoints()) {
                staying.add(e.address());
            }
            r.previous().update(r.previous().endpoints().stream().filter(e -> staying.contains(e.address())).toList());
            stopRefreshing(r.previous());
            startRefreshing(r.next());
        }
        for (Cluster old : changes.removed()) {
            old.update(List.of());
            stopRefreshing(old);
        }
        for (Cluster c : changes.added()) {
            startRefreshing(c);
        }
        return changes;
    }

    private void startRefreshing(Cluster cluster) {
        if (cluster.config().discovery() != ClusterConfig.Discovery.DNS) {
            return;
        }
        if (dns == null) {
            dns = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-dns").factory());
        }
        long every = cluster.config().dnsRefresh().toMillis();
        refreshes.put(cluster.name(), dns.scheduleWithFixedDelay(() -> refresh(cluster), every, every, TimeUnit.MILLISECONDS));
    }

    private void stopRefreshing(Cluster cluster) {
        ScheduledFuture<?> f = refreshes.get(cluster.name());
        if (f != null && clusters.get(cluster.name()) != cluster) {
            f.cancel(false);
            refreshes.remove(cluster.name());
        }
    }

    /** Whether a cluster has timed work besides DNS: ejections that end, connections closed after a removal grace. */
    static boolean needsTimer(ClusterConfig c) {
        return c.outlierDetection() != null || !c.endpointRemovalGrace().isZero();
    }

    /** The current cluster of that name, or {@code null}. */
    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    /** The current clusters, in configuration order. */
    public List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    /** Re-resolves a dns cluster now and swaps in its new endpoints if they changed. */
    public void refresh(Cluster cluster) {
        try {
            List<UpstreamEndpoint> next = resolve(cluster.config(), cluster.endpoints());
            if (!sameAddresses(next, cluster.endpoints())) {
                log.atInfo().setMessage("endpoints changed")
                        .addKeyValue("cluster", cluster.name())
                        .addKeyValue("endpoints", next.stream().map(UpstreamEndpoint::label).toList().toString())
                        .log();
                cluster.update(next);
            }
        } catch (RuntimeException e) {
            log.atWarn().setMessage("dns refresh failed; keeping the last endpoints")
                    .addKeyValue("cluster", cluster.name()).addKeyValue("error", String.valueOf(e.getMessage())).log();
        }
    }

    /** Endpoints for {@code config}, reusing objects from {@code previous} for addresses that stay. */
    private List<UpstreamEndpoint> resolve(ClusterConfig config, List<UpstreamEndpoint> previous) {
        Map<InetSocketAddress, UpstreamEndpoint> reuse = new HashMap<>();
        for (UpstreamEndpoint e : previous) {
            reuse.put(e.address(), e);
        }
        List<UpstreamEndpoint> out = new ArrayList<>();
        for (EndpointConfig ec : config.endpoints()) {
            InetAddress[] addresses;
            try {
                addresses = config.discovery() == ClusterConfig.Discovery.STATIC
                        ? new InetAddress[] {InetAddress.ofLiteral(ec.host())}
                        : resolver.resolve(ec.host());
            } catch (UnknownHostException e) {
                log.atWarn().setMessage("cannot resolve endpoint")
                        .addKeyValue("cluster", config.name()).addKeyValue("endpoint", ec.authority())
                        .addKeyValue("error", String.valueOf(e.getMessage())).log();
                // Keep what this name resolved to before, if anything.
                for (UpstreamEndpoint e2 : previous) {
                    if (e2.source().equals(ec.authority())) {
                        out.add(e2);
                    }
                }
                continue;
            }
            for (InetAddress a : addresses) {
                InetSocketAddress sa = new InetSocketAddress(a, ec.port());
                UpstreamEndpoint existing = reuse.get(sa);
                out.add(existing != null && existing.weight() == ec.weight() ? existing
                        : new UpstreamEndpoint(sa, ec.weight(), ec.authority(), ec.host()));
            }
        }
        return out;
    }

    private static boolean sameAddresses(List<UpstreamEndpoint> a, List<UpstreamEndpoint> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (dns != null) {
            dns.shutdownNow();
        }
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
    }
}
