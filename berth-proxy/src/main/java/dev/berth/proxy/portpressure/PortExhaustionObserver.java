package dev.berth.proxy.portpressure;

import dev.berth.proxy.observe.ConnectFailure;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.server.logging.LogRateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts connect attempts that failed for want of a local port ({@code ports_exhausted}) per
 * cluster and endpoint, as {@code upstream_cx_ports_exhausted_total}, and logs them: one line per
 * endpoint per {@link #LOG_EVERY} at most (when a pool is empty every connect fails in
 * microseconds), with how many were held back.
 */
public final class PortExhaustionObserver implements ProxyObserver {

    private static final Logger log = LoggerFactory.getLogger("berth.ports");
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    static final String COUNTER = "upstream.cx.ports.exhausted";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, LogRateLimiter> limiters = new ConcurrentHashMap<>();

    public PortExhaustionObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void upstreamConnectFailed(ConnectionInfo info, String endpoint, boolean timedOut) {
        if (info.connectFailure() != ConnectFailure.PORTS_EXHAUSTED) {
            return;
        }
        Counter.builder(COUNTER)
                .description("Connect attempts that failed because no local port was left towards the endpoint"
                        + " (EADDRNOTAVAIL: its ephemeral ports are all held, TIME_WAIT included)")
                .tags("cluster", info.cluster(), "endpoint", endpoint)
                .register(registry).increment();
        long held = limiters.computeIfAbsent(info.cluster() + " " + endpoint, k -> new LogRateLimiter(LOG_EVERY)).tryAcquire();
        if (held != LogRateLimiter.SUPPRESSED) {
            log.atWarn().setMessage("upstream ports exhausted")
                    .addKeyValue("cluster", info.cluster()).addKeyValue("endpoint", endpoint)
                    .addKeyValue("cause", ConnectFailure.PORTS_EXHAUSTED.label())
                    .addKeyValue("suppressed", held)
                    .addKeyValue("detail", "connect failed with EADDRNOTAVAIL: every usable ephemeral port towards " + endpoint
                            + " from the proxy's source address is held (see upstream_port_pressure_ratio and GET /diag/sockets)")
                    .addKeyValue("advice", PortPressureMonitor.ADVICE)
                    .log();
        }
    }
}
