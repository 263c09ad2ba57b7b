package dev.berth.proxy.health.probe;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the active health checks of every cluster that has a {@code health_check}, on one event
 * loop of its own: off the data path, never blocking it, each check bounded by its timeout.
 * Follows each cluster's endpoints: a new endpoint (a DNS change) is checked from then on, a
 * removed one no longer. Clusters come and go with reloads ({@link #add}, {@link #remove}).
 */
public final class HealthChecker implements AutoCloseable {

    /** One checked cluster: how it is probed, and the listener that follows its endpoints. */
    private record Watched(Probe probe, Runnable follower) {}

    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    // Touched on the loop only.
    private final Map<Cluster, Watched> watched = new IdentityHashMap<>();
    private final Map<Cluster, Map<UpstreamEndpoint, EndpointCheck>> checks = new IdentityHashMap<>();
    private volatile boolean closed;

    /**
     * @param loop        where probes connect and results are recorded
     * @param channelType the transport's client socket channel (epoll or NIO)
     */
    public HealthChecker(EventLoop loop, Class<? extends Channel> channelType) {
        this.loop = loop;
        this.channelType = channelType;
    }

    /** Starts checking a cluster (nothing when it has no {@code health_check}); each endpoint's first check runs at once (after its jitter). */
    public void add(Cluster cluster) {
        if (cluster.config().healthCheck() == null) {
            return;
        }
        Probe probe = new Probe(cluster.config(), loop, channelType);
        Runnable follower = () -> onLoop(() -> follow(cluster));
        onLoop(() -> {
            watched.put(cluster, new Watched(probe, follower));
            cluster.addMembershipListener(follower);
            follow(cluster);
        });
    }

    /** Stops checking a cluster that a reload replaced or removed. */
    public void remove(Cluster cluster) {
        onLoop(() -> {
            Watched w = watched.remove(cluster);
            if (w != null) {
                cluster.removeMembershipListener(w.follower());
            }
            stopAll(checks.remove(cluster));
        });
    }

    private void follow(Cluster cluster) {
        Watched w = watched.get(cluster);
        if (closed || w == null) {
            return;
        }
        Map<UpstreamEndpoint, EndpointCheck> running = checks.computeIfAbsent(cluster, c -> new IdentityHashMap<>());
        Map<UpstreamEndpoint, EndpointCheck> now = new IdentityHashMap<>();
        for (UpstreamEndpoint e : cluster.endpoints()) {
            EndpointCheck check = running.remove(e);
            if (check == null) {
                check = new EndpointCheck(cluster, e, w.probe(), loop);
                check.start();
            }
            now.put(e, check);
        }
        stopAll(running);
        checks.put(cluster, now);
    }

    private static void stopAll(Map<UpstreamEndpoint, EndpointCheck> m) {
        if (m != null) {
            for (EndpointCheck c : new ArrayList<>(m.values())) {
                c.stop();
            }
        }
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
                stopAll(m);
            }
            checks.clear();
            watched.clear();
        });
    }
}
