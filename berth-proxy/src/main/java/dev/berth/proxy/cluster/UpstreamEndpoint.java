package dev.berth.proxy.cluster;

import dev.berth.proxy.loadbalancer.Endpoint;
import dev.berth.server.listen.SocketAddresses;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A resolved endpoint of a cluster (OkHttp's {@code Route}: the IP and port a connection
 * uses, and which configured endpoint it came from). Its address and weight never change;
 * the counters do. Kept across DNS refreshes while its address stays, so counts survive.
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

    /** A connection to it was established; pair with {@link #disconnected()}. */
    public void connected() {
        active.incrementAndGet();
        total.increment();
    }

    public void disconnected() {
        active.decrementAndGet();
    }

    public void connectFailed() {
        connectFailures.increment();
    }

    @Override
    public String toString() {
        return label + (weight == 1 ? "" : " weight " + weight);
    }
}
