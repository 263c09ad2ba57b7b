package dev.berth.proxy.config;

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
 * @param proxyProtocol   the PROXY protocol header written to an endpoint before any relayed byte; default none
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
        ProxyProtocol proxyProtocol) {

    public ClusterConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** A cluster that sends no PROXY protocol header. */
    public ClusterConfig(String name, Discovery discovery, List<EndpointConfig> endpoints, LbPolicy lb, Duration connectTimeout,
                         int maxConnections, int connectAttempts, Duration dnsRefresh) {
        this(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh, ProxyProtocol.NONE);
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
