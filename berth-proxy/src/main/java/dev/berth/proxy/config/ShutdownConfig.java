package dev.berth.proxy.config;

import java.time.Duration;

/**
 * How the proxy drains on SIGTERM or {@code POST /drain}.
 *
 * @param acceptGrace  keep accepting this long after readiness turns 503 (load balancers and
 *                     Kubernetes endpoints lag); default 0s
 * @param drainTimeout then give open connections this long to finish before closing them with {@code DR}; default 30s
 */
public record ShutdownConfig(Duration acceptGrace, Duration drainTimeout) {}
