package dev.berth.proxy.health.probe;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The checks of one endpoint: one at a time, each started {@code interval} (plus jitter) after
 * the previous one started, each result handed to the cluster. Runs on the checker's loop only.
 */
final class EndpointCheck {

    private final Cluster cluster;
    private final UpstreamEndpoint endpoint;
    private final Probe probe;
    private final EventLoop loop;
    private final long intervalNanos;
    private final long jitterNanos;
    private ScheduledFuture<?> next;
    private Future<ProbeResult> running;
    private boolean stopped;

    EndpointCheck(Cluster cluster, UpstreamEndpoint endpoint, Probe probe, EventLoop loop) {
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.probe = probe;
        this.loop = loop;
        this.intervalNanos = cluster.config().healthCheck().interval().toNanos();
        this.jitterNanos = cluster.config().healthCheck().jitter().toNanos();
    }

    /** The first check runs after a jitter's worth of delay (none by default): an unknown endpoint should be known soon. */
    void start() {
        schedule(jitter());
    }

    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
        if (running != null) {
            running.cancel(false);
        }
    }

    private void run() {
        if (stopped) {
            return;
        }
        long startedAt = System.nanoTime();
        running = probe.check(endpoint);
        running.addListener(f -> {
            running = null;
            if (stopped || f.isCancelled()) {
                return;
            }
            ProbeResult r = (ProbeResult) f.getNow();
            cluster.checkResult(endpoint, r.passed(), r.detail());
            schedule(CheckSchedule.nextDelayNanos(startedAt, System.nanoTime(), intervalNanos, jitter()));
        });
    }

    private void schedule(long delayNanos) {
        if (!stopped) {
            next = loop.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private long jitter() {
        return jitterNanos <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterNanos + 1);
    }
}
