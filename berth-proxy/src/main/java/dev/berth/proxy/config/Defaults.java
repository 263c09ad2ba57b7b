package dev.berth.proxy.config;

import java.time.Duration;

/**
 * Every default in one place; docs/config-reference.md lists the same values. Where Envoy has an
 * opinion we follow it (connect timeout 5s, tcp_proxy idle timeout 1h); see research/anchors-mission.md §2.
 */
final class Defaults {

    static final String ADMIN_ADDRESS = "127.0.0.1:15000";

    static final int BACKLOG = 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofHours(1);
    static final Duration MAX_CONNECTION_DURATION = Duration.ZERO;
    static final int BUFFER_BYTES = 64 * 1024;
    static final boolean TCP_NO_DELAY = true;
    // nginx waits 30s for the header; a load balancer sends it with its first segment, so 5s is generous.
    static final Duration PROXY_PROTOCOL_TIMEOUT = ListenerConfig.DEFAULT_PROXY_PROTOCOL_TIMEOUT;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_CONNECTIONS = 10_000;
    static final int CONNECT_ATTEMPTS = 3;
    static final Duration DNS_REFRESH = Duration.ofSeconds(5);
    static final int WEIGHT = 1;
    // Envoy's circuit-breaker max_pending_requests and healthy panic threshold.
    static final int MAX_PENDING = 1024;
    static final int PANIC_THRESHOLD = 50;
    static final Duration ENDPOINT_REMOVAL_GRACE = Duration.ZERO;

    // Active health checks: nginx Plus's interval, HAProxy's rise 2 / fall 3, a timeout well under the interval.
    static final Duration HC_INTERVAL = Duration.ofSeconds(5);
    static final Duration HC_TIMEOUT = Duration.ofSeconds(1);
    static final int HC_UNHEALTHY_THRESHOLD = 3;
    static final int HC_HEALTHY_THRESHOLD = 2;
    static final Duration HC_JITTER = Duration.ZERO;
    static final boolean HC_NEW_ENDPOINTS_HEALTHY = true;
    static final String HC_HTTP_PATH = "/";
    static final HealthCheckConfig.StatusRange HC_HTTP_STATUSES = new HealthCheckConfig.StatusRange(200, 399);

    // Outlier detection: Envoy's consecutive_5xx defaults (for TCP, connection failures).
    static final int OUTLIER_CONSECUTIVE_FAILURES = 5;
    static final Duration OUTLIER_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    static final Duration OUTLIER_MAX_EJECTION_TIME = Duration.ofSeconds(300);
    static final int OUTLIER_MAX_EJECTION_PERCENT = 10;

    static final Duration ACCEPT_GRACE = Duration.ZERO;
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    // The built-in sidecar: `berth proxy` with no --config.
    static final String SIDECAR_LISTENER = "inbound";
    static final String SIDECAR_LISTEN_ADDRESS = "0.0.0.0:15001";
    static final String SIDECAR_CLUSTER = "local-app";
    static final String SIDECAR_ENDPOINT_HOST = "127.0.0.1";
    static final int SIDECAR_ENDPOINT_PORT = 8080;

    private Defaults() {}
}
