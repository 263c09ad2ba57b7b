package dev.berth.proxy.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A set of endpoints that serve the same thing.
 *
 * @param name            unique name
 * @param discovery       {@code static}: the endpoints are the addresses written; {@code dns}:
 *                        each endpoint's host is re-resolved every {@code dnsRefresh}, both families,
 *                        and every address becomes an endpoint
 * @param endpoints       at least one
 * @param lb              how an endpoint is picked; default round robin
 * @param connectTimeout  per connection attempt to an endpoint; default 5s
 * @param maxConnections  upstream connections open at once; the next client is closed with {@code UO}; default 10000
 * @param connectAttempts endpoints tried for one client before giving up with {@code UF}/{@code UT}; default 3
 * @param dnsRefresh      how often {@code dns} discovery re-resolves; default 5s
 * @param maxPending      clients waiting for an upstream connect at once (a circuit breaker: the
 *                        next is closed with {@code UO}); default 1024
 * @param panicThreshold  percent of endpoints that must be healthy; below it the balancer uses
 *                        every endpoint, healthy or not (Envoy's panic mode). 0 turns it off; default 50
 * @param endpointRemovalGrace how long connections to an endpoint that left the cluster (DNS or
 *                        config change) may stay open; {@code 0} (default): until they close
 * @param proxyProtocol   the PROXY protocol header written to an endpoint before any relayed byte; default none
 * @param healthCheck     active health checks, or {@code null} for none (every endpoint counts as healthy)
 * @param outlierDetection passive outlier ejection, or {@code null} for none
 * @param sourceAddress   the local address upstream connections and health checks of its family
 *                        are bound to (with {@code IP_BIND_ADDRESS_NO_PORT}, so the port is still
 *                        chosen per destination), or {@code null}: the kernel picks by its routes
 */
public record ClusterConfig(
        String name,
        Discovery discovery,
        List<EndpointConfig> endpoints,
        LbPolicy lb,
        Duration connectTimeout,
        int maxConnections,
        int connectAttempts,
        Duration dnsRefresh,
        int maxPending,
        int panicThreshold,
        Duration endpointRemovalGrace,
        ProxyProtocol proxyProtocol,
        HealthCheckConfig healthCheck,
        OutlierDetectionConfig outlierDetection,
        InetAddress sourceAddress) {

    public ClusterConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** A cluster whose connections leave from whatever address the kernel picks (no {@code source_address}). */
    public ClusterConfig(String name, Discovery discovery, List<EndpointConfig> endpoints, LbPolicy lb, Duration connectTimeout,
                         int maxConnections, int connectAttempts, Duration dnsRefresh, int maxPending, int panicThreshold,
                         Duration endpointRemovalGrace, ProxyProtocol proxyProtocol, HealthCheckConfig healthCheck,
                         OutlierDetectionConfig outlierDetection) {
        this(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh, maxPending,
                panicThreshold, endpointRemovalGrace, proxyProtocol, healthCheck, outlierDetection, null);
    }

    /**
     * A cluster with the circuit-breaker, panic and removal defaults, no health checking and no
     * PROXY protocol header.
     */
    public ClusterConfig(String name, Discovery discovery, List<EndpointConfig> endpoints, LbPolicy lb, Duration connectTimeout,
                         int maxConnections, int connectAttempts, Duration dnsRefresh) {
        this(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                Defaults.MAX_PENDING, Defaults.PANIC_THRESHOLD, Defaults.ENDPOINT_REMOVAL_GRACE, ProxyProtocol.NONE, null, null);
    }

    /** The same cluster with these active health checks ({@code null}: none). */
    public ClusterConfig withHealthCheck(HealthCheckConfig check) {
        return new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                maxPending, panicThreshold, endpointRemovalGrace, proxyProtocol, check, outlierDetection, sourceAddress);
    }

    /** The same cluster with this outlier detection ({@code null}: none). */
    public ClusterConfig withOutlierDetection(OutlierDetectionConfig detection) {
        return new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                maxPending, panicThreshold, endpointRemovalGrace, proxyProtocol, healthCheck, detection, sourceAddress);
    }

    /** The same cluster with other circuit-breaker, panic and removal settings. */
    public ClusterConfig withLimits(int maxConnections, int maxPending, int panicThreshold, Duration endpointRemovalGrace) {
        return new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                maxPending, panicThreshold, endpointRemovalGrace, proxyProtocol, healthCheck, outlierDetection, sourceAddress);
    }

    /** The same cluster writing this PROXY protocol header to its endpoints. */
    public ClusterConfig withProxyProtocol(ProxyProtocol version) {
        return new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                maxPending, panicThreshold, endpointRemovalGrace, version, healthCheck, outlierDetection, sourceAddress);
    }

    /** The same cluster binding its connections to {@code source} ({@code null}: the kernel picks). */
    public ClusterConfig withSourceAddress(InetAddress source) {
        return new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                maxPending, panicThreshold, endpointRemovalGrace, proxyProtocol, healthCheck, outlierDetection, source);
    }

    /**
     * Whether a header telling the endpoint who the client is goes first on each upstream
     * connection, so that the application behind the sidecar sees the real client address.
     */
    public enum ProxyProtocol {
        /** No header: the endpoint sees the proxy's address as its peer. */
        NONE,
        /** A text header, {@code PROXY TCP4 src dst sport dport\r\n}. */
        V1,
        /** A binary header (no TLVs). */
        V2
    }

    /** How a cluster finds its endpoints. */
    public enum Discovery {
        STATIC,
        DNS
    }

    /** How an endpoint is picked for a new connection. */
    public enum LbPolicy {
        /** Weighted round robin (smooth: weights interleave, no bursts). */
        ROUND_ROBIN,
        /** Power of two random choices: the one of two random endpoints with fewer active connections. */
        LEAST_CONNECTIONS,
        /** Uniformly random, weighted. */
        RANDOM,
        /** Consistent hashing on the client's source IP: the same client keeps the same endpoint (session affinity). */
        RING_HASH
    }
}
