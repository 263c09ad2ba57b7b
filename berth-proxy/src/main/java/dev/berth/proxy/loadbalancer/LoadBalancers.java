package dev.berth.proxy.loadbalancer;

import dev.berth.proxy.config.ClusterConfig.LbPolicy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Makes the {@link LoadBalancer} for a cluster's policy over one endpoint snapshot. The
 * snapshot is copied; a changed endpoint set gets a new balancer (Armeria's
 * {@code LoadBalancer.of...} factories work the same way), so balancers never need to handle
 * concurrent modification. Construction does the heavy work (the round-robin schedule, the
 * hash ring), so that a pick on the connection-accept path is cheap and does not allocate.
 *
 * <p>Every balancer returns {@code null} for an empty snapshot, skips the endpoints in
 * {@link PickContext#exclude()} while any other remains, and picks normally when all are
 * excluded.
 */
public final class LoadBalancers {

    private LoadBalancers() {}

    /**
     * A balancer whose random choices come from {@link ThreadLocalRandom}, so that picks on
     * different event loops never contend for a random source.
     *
     * @throws IllegalArgumentException if an endpoint has no address or a weight below 1
     */
    public static LoadBalancer create(LbPolicy policy, List<? extends Endpoint> snapshot) {
        return create(policy, snapshot, ThreadLocalRandom.current(), false);
    }

    /**
     * A balancer whose random choices (the random policies' draws, where the round-robin cycle
     * starts) all come from {@code random}, for reproducible tests and simulations. Picks from
     * several threads need a thread-safe generator, such as {@link java.util.Random}, and then
     * contend for it.
     */
    public static LoadBalancer create(LbPolicy policy, List<? extends Endpoint> snapshot, RandomGenerator random) {
        return create(policy, snapshot, Objects.requireNonNull(random, "random"), true);
    }

    private static LoadBalancer create(
            LbPolicy policy, List<? extends Endpoint> snapshot, RandomGenerator random, boolean shared) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(snapshot, "snapshot");
        // ThreadLocalRandom.current() belongs to the calling thread; each pick asks for its own.
        Supplier<RandomGenerator> perPick = shared ? () -> random : ThreadLocalRandom::current;
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobinBalancer(snapshot, random::nextLong);
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer(snapshot, perPick);
            case RANDOM -> new RandomBalancer(snapshot, perPick);
            case RING_HASH -> new RingHashBalancer(snapshot, perPick);
        };
    }
}
