package dev.berth.proxy.cluster;

import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.loadbalancer.Endpoint;
import dev.berth.proxy.loadbalancer.LoadBalancer;
import dev.berth.proxy.loadbalancer.LoadBalancers;
import dev.berth.proxy.loadbalancer.PickContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster at run time: the current endpoint snapshot with its load balancer, and the
 * cluster-wide connection count that enforces {@code max_connections}.
 *
 * <p>The snapshot is swapped whole when discovery changes the endpoints (never mutated), so a
 * pick never sees a half-updated list.
 */
public final class Cluster {

    /** Endpoints and the balancer built over exactly them. */
    private record Snapshot(List<UpstreamEndpoint> endpoints, LoadBalancer balancer) {}

    private final ClusterConfig config;
    private final AtomicInteger active = new AtomicInteger();
    private volatile Snapshot snapshot;

    public Cluster(ClusterConfig config, List<UpstreamEndpoint> endpoints) {
        this.config = config;
        update(endpoints);
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    /** Replaces the endpoints; connections to removed endpoints are left to finish. */
    public void update(List<UpstreamEndpoint> endpoints) {
        List<UpstreamEndpoint> copy = List.copyOf(endpoints);
        snapshot = new Snapshot(copy, LoadBalancers.create(config.lb(), copy));
    }

    public List<UpstreamEndpoint> endpoints() {
        return snapshot.endpoints();
    }

    /** An endpoint for a new connection, or {@code null} when the cluster has none. */
    public UpstreamEndpoint pick(PickContext context) {
        Endpoint e = snapshot.balancer().pick(context);
        return (UpstreamEndpoint) e;
    }

    /** Claims one of {@code max_connections}; false means overflow ({@code UO}). */
    public boolean tryAcquire() {
        int now;
        do {
            now = active.get();
            if (now >= config.maxConnections()) {
                return false;
            }
        } while (!active.compareAndSet(now, now + 1));
        return true;
    }

    /** Returns a slot claimed with {@link #tryAcquire()}. */
    public void release() {
        active.decrementAndGet();
    }

    /** Upstream connections open (or being opened) right now. */
    public int activeConnections() {
        return active.get();
    }

}
