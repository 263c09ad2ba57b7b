package dev.berth.proxy.cluster;

import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.health.OutlierState;
import dev.berth.proxy.health.RiseFall;
import dev.berth.proxy.loadbalancer.Endpoint;
import dev.berth.server.listen.SocketAddresses;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A resolved endpoint of a cluster (OkHttp's {@code Route}: the IP and port a connection
 * uses, and which configured endpoint it came from). Its address and weight never change;
 * the counters and the health do. Kept across DNS refreshes while its address stays, so counts
 * and health survive.
 *
 * <p>Health has two parts: what active checks say ({@link #checkStatus()}) and whether outlier
 * detection has ejected it. It takes new connections only when both allow ({@link #healthy()});
 * its {@link Cluster} decides, this object only holds the state.
 */
public final class UpstreamEndpoint implements Endpoint {

    private final InetSocketAddress address;
    private final int weight;
    private final String source;
    private final String sourceHost;
    private final String label;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    // Open connections' ways to close them, for endpoint_removal_grace.
    private final Set<Runnable> closers = ConcurrentHashMap.newKeySet();
    // Set up by the cluster once (attach), then changed by the cluster only.
    private volatile boolean attached;
    private volatile RiseFall riseFall;
    private volatile boolean checkHealthy = true;
    private volatile boolean checked;
    private volatile String lastCheckError;
    private volatile OutlierState outlier;
    private volatile boolean removed;

    /**
     * @param address resolved IP and port
     * @param weight  relative share, >= 1
     * @param source  the configured endpoint it came from ({@code host:port})
     * @param sourceHost the host part of {@code source}: a name, or the IP literal itself
     */
    public UpstreamEndpoint(InetSocketAddress address, int weight, String source, String sourceHost) {
        this.address = address;
        this.weight = weight;
        this.source = source;
        this.sourceHost = sourceHost;
        this.label = SocketAddresses.format(address);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    /** The configured {@code host:port} this endpoint was resolved from. */
    public String source() {
        return source;
    }

    /** The name (or IP literal) this endpoint's address came from. */
    public String sourceHost() {
        return sourceHost;
    }

    /** {@code ip:port} as users write it. */
    public String label() {
        return label;
    }

    public long totalConnections() {
        return total.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    /**
     * A connection to it was established; pair with {@link Cluster#connectionEnded}.
     *
     * @param closer ends the connection, should the endpoint leave the cluster and its removal grace end
     */
    public void connected(Runnable closer) {
        active.incrementAndGet();
        total.increment();
        closers.add(closer);
    }

    void disconnected(Runnable closer) {
        closers.remove(closer);
        active.decrementAndGet();
    }

    void connectFailed() {
        connectFailures.increment();
    }

    // ---- health --------------------------------------------------------------------------

    /** True when it may take new connections: active checks do not say unhealthy, and it is not ejected. */
    public boolean healthy() {
        OutlierState o = outlier;
        return checkHealthy && (o == null || !o.ejected());
    }

    /**
     * What active checks say: {@code unchecked} (the cluster has none), {@code unknown} (no
     * result yet), {@code healthy} or {@code unhealthy}.
     */
    public String checkStatus() {
        if (riseFall == null) {
            return "unchecked";
        }
        return !checked ? "unknown" : checkHealthy ? "healthy" : "unhealthy";
    }

    /** Why the last failed check failed, kept until the endpoint is healthy again; {@code null} when it is. */
    public String lastCheckError() {
        return lastCheckError;
    }

    /** Its outlier record, or {@code null} when the cluster has no outlier detection. */
    public OutlierState outlier() {
        return outlier;
    }

    /** True once it has left its cluster: it gets no new connections, its open ones drain. */
    public boolean removed() {
        return removed;
    }

    /** Gives it health state the first time a cluster takes it; later calls do nothing. */
    synchronized void attach(HealthCheckConfig check, boolean outlierDetection) {
        if (attached) {
            return;
        }
        riseFall = check == null ? null : new RiseFall(check.healthyThreshold(), check.unhealthyThreshold(), check.newEndpointsHealthy());
        checkHealthy = check == null || check.newEndpointsHealthy();
        outlier = outlierDetection ? new OutlierState() : null;
        attached = true;
    }

    RiseFall riseFall() {
        return riseFall;
    }

    /** Records a check result: the health it leaves, and the error when it failed. */
    void checked(boolean healthyNow, String error) {
        checkHealthy = healthyNow;
        if (error != null) {
            lastCheckError = error;
        } else if (healthyNow) {
            lastCheckError = null;
        }
        checked = true;
    }

    void markRemoved() {
        removed = true;
    }

    /** Ends every open connection to it. */
    void closeAll() {
        for (Runnable c : closers) {
            c.run();
        }
    }

    @Override
    public String toString() {
        return label + (weight == 1 ? "" : " weight " + weight);
    }
}
