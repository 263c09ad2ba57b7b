package dev.berth.proxy.observe;

/**
 * Why a proxied connection ended, as a short code in the access log (Envoy's response-flag
 * vocabulary where it has one).
 */
public enum ReasonCode {
    /** Upstream connect failure: every endpoint tried refused or failed. */
    UF("upstream connect failure"),
    /** Upstream connect timeout: the last endpoint tried did not answer within connect_timeout. */
    UT("upstream connect timeout"),
    /** No healthy upstream: the cluster has no endpoint to pick (none at all, or none healthy with panic mode off). */
    UH("no healthy upstream"),
    /** Upstream overflow: a circuit breaker of the cluster was full (max_connections or max_pending). */
    UO("upstream overflow"),
    /** Downstream closed: the client ended the connection (FIN first, reset, or close). */
    DC("downstream closed"),
    /** Upstream closed: the endpoint ended the connection. */
    UC("upstream closed"),
    /** Idle timeout: no traffic either way for idle_timeout. */
    IT("idle timeout"),
    /** Max duration: the connection reached max_connection_duration. */
    MD("max connection duration"),
    /** Drained: still open when the drain timeout ended, or closed early by the drain. */
    DR("drained"),
    /** Policy denied: the listener's source-CIDR policy refused the client; no upstream connection was opened. */
    PD("policy denied"),
    /**
     * PROXY protocol error: the header was malformed, too long, did not arrive within
     * proxy_protocol_timeout, or came from a peer outside trusted_sources.
     */
    PP("PROXY protocol error"),
    /** An error inside the proxy (for example out of file descriptors while connecting). */
    PE("proxy error");

    private final String meaning;

    ReasonCode(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
