package dev.berth.proxy.cluster;

import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final NameResolver resolver;
    private final ScheduledExecutorService dns;
    private final ScheduledExecutorService ownTimer;

    /**
     * @param timer runs the clusters' ejection sweeps and removal deadlines (short tasks; the
     *              health checker's event loop); {@code null}: one of its own when a cluster needs it
     */
    public ClusterManager(List<ClusterConfig> configs, NameResolver resolver, ScheduledExecutorService timer) {
        this.resolver = resolver;
        boolean anyDns = configs.stream().anyMatch(c -> c.discovery() == ClusterConfig.Discovery.DNS);
        this.dns = anyDns ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-dns").factory()) : null;
        this.ownTimer = timer == null && configs.stream().anyMatch(ClusterManager::needsTimer)
                ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("berth-cluster-timer").factory())
                : null;
        ScheduledExecutorService clusterTimer = timer != null ? timer : ownTimer;
        for (ClusterConfig c : configs) {
            Cluster cluster = new Cluster(c, resolve(c, List.of()), clusterTimer, System::nanoTime);
            clusters.put(c.name(), cluster);
            if (c.discovery() == ClusterConfig.Discovery.DNS) {
                long every = c.dnsRefresh().toMillis();
                dns.scheduleWithFixedDelay(() -> refresh(cluster), every, every, TimeUnit.MILLISECONDS);
            }
        }
    }

    public ClusterManager(List<ClusterConfig> configs, NameResolver resolver) {
        this(configs, resolver, null);
    }

    public ClusterManager(List<ClusterConfig> configs) {
        this(configs, InetAddress::getAllByName);
    }

    /** Whether a cluster has timed work besides DNS: ejections that end, connections closed after a removal grace. */
    static boolean needsTimer(ClusterConfig c) {
        return c.outlierDetection() != null || !c.endpointRemovalGrace().isZero();
    }

    public Cluster cluster(String name) {
        return clusters.get(name);
    }

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
    public void close() {
        if (dns != null) {
            dns.shutdownNow();
        }
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
    }
}
