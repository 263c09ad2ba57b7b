package dev.berth.proxy.health.probe;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the active health checks of every cluster that has a {@code health_check}, on one event
 * loop of its own: off the data path, never blocking it, each check bounded by its timeout.
 * Follows each cluster's endpoints: a new endpoint (a DNS change) is checked from then on, a
 * removed one no longer.
 */
public final class HealthChecker implements AutoCloseable {

    private final EventLoop loop;
    private final List<Cluster> clusters;
    private final Map<Cluster, Probe> probes = new IdentityHashMap<>();
    // Touched on the loop only.
    private final Map<Cluster, Map<UpstreamEndpoint, EndpointCheck>> checks = new IdentityHashMap<>();
    private volatile boolean closed;

    /**
     * @param loop        where probes connect and results are recorded
     * @param channelType the transport's client socket channel (epoll or NIO)
     */
    public HealthChecker(EventLoop loop, Class<? extends Channel> channelType, List<Cluster> clusters) {
        this.loop = loop;
        this.clusters = clusters.stream().filter(c -> c.config().healthCheck() != null).toList();
        for (Cluster c : this.clusters) {
            probes.put(c, new Probe(c.config(), loop, channelType));
        }
    }

    /** Starts checking; each endpoint's first check runs at once (after its jitter). */
    public void start() {
        for (Cluster c : clusters) {
            c.addMembershipListener(() -> onLoop(() -> follow(c)));
            onLoop(() -> follow(c));
        }
    }

    private void follow(Cluster cluster) {
        if (closed) {
            return;
        }
        Map<UpstreamEndpoint, EndpointCheck> running = checks.computeIfAbsent(cluster, c -> new IdentityHashMap<>());
        Map<UpstreamEndpoint, EndpointCheck> now = new IdentityHashMap<>();
        for (UpstreamEndpoint e : cluster.endpoints()) {
            EndpointCheck check = running.remove(e);
            if (check == null) {
                check = new EndpointCheck(cluster, e, probes.get(cluster), loop);
                check.start();
            }
            now.put(e, check);
        }
        for (EndpointCheck gone : running.values()) {
            gone.stop();
        }
        checks.put(cluster, now);
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Stops every check (the loop itself belongs to the caller). */
    @Override
    public void close() {
        closed = true;
        onLoop(() -> {
            for (Map<UpstreamEndpoint, EndpointCheck> m : checks.values()) {
                for (EndpointCheck c : new ArrayList<>(m.values())) {
                    c.stop();
                }
            }
            checks.clear();
        });
    }
}
