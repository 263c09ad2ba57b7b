package dev.berth.proxy.loadbalancer;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two random choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
 * Balancing", 2001): draw two distinct endpoints at random and take the one with fewer active
 * connections relative to its weight. It is Envoy's {@code LEAST_REQUEST} with
 * {@code choice_count} 2, HAProxy's {@code random(2)} and nginx's {@code random two least_conn}
 * (research note §2.9), applied to open connections because Berth is an L4 proxy.
 *
 * <p>Weights: both draws are weighted (the second without replacement, so it never repeats
 * the first and needs no retry loop), and the two are compared by {@code active / weight}
 * (cross-multiplied, no division). A tie goes to the first draw. So when load is in proportion
 * to weight (in particular when everything is idle) the pick is exactly the first weighted draw
 * and shares follow the weights; when one endpoint is busier than its weight warrants, it
 * loses every comparison it takes part in. Envoy normalises the same way for weighted hosts,
 * though it then schedules with EDF rather than P2C.
 *
 * <p>Why P2C and not a full scan for the minimum: O(log n) instead of O(n), and it avoids the
 * herd effect of every proxy sending the next burst to the one endpoint that looked idlest.
 * {@link Endpoint#activeConnections()} is read without locking; a slightly stale count only
 * makes one comparison slightly wrong. Holds no mutable state of its own.
 */
final class LeastConnectionsBalancer implements LoadBalancer {

    private final WeightedEndpoints snapshot;
    private final Supplier<? extends RandomGenerator> random;

    LeastConnectionsBalancer(List<? extends Endpoint> snapshot, Supplier<? extends RandomGenerator> random) {
        this.snapshot = WeightedEndpoints.of(snapshot);
        this.random = random;
    }

    @Override
    public Endpoint pick(PickContext context) {
        WeightedEndpoints s = snapshot;
        if (s.size() <= 1) {
            return s.size() == 0 ? null : s.endpoints[0];
        }
        RandomGenerator rng = random.get();
        Set<Endpoint> exclude = context.exclude();
        if (!exclude.isEmpty()) {
            long eligible = s.eligibleWeight(exclude);
            if (eligible > 0) {
                return pickEligible(s, rng, exclude, eligible);
            }
            // Every endpoint was tried: any will do, so fall through to a normal pick.
        }
        int a = s.indexAt(rng.nextLong(s.total));
        int b = s.indexAtSkipping(rng.nextLong(s.total - s.weights[a]), a);
        return lessLoaded(s, a, b);
    }

    /** The same two draws restricted to the endpoints not yet tried; O(n), retry path only. */
    private static Endpoint pickEligible(
            WeightedEndpoints s, RandomGenerator rng, Set<Endpoint> exclude, long eligible) {
        int a = s.eligibleIndexAt(rng.nextLong(eligible), exclude, -1);
        long rest = eligible - s.weights[a];
        if (rest == 0) {
            return s.endpoints[a]; // the only one left
        }
        int b = s.eligibleIndexAt(rng.nextLong(rest), exclude, a);
        return lessLoaded(s, a, b);
    }

    /** {@code a} unless {@code b} has strictly fewer active connections per unit of weight. */
    private static Endpoint lessLoaded(WeightedEndpoints s, int a, int b) {
        Endpoint ea = s.endpoints[a];
        Endpoint eb = s.endpoints[b];
        // active_b / w_b < active_a / w_a, in longs so that neither side can overflow.
        long lhs = (long) eb.activeConnections() * s.weights[a];
        long rhs = (long) ea.activeConnections() * s.weights[b];
        return lhs < rhs ? eb : ea;
    }

    @Override
    public String toString() {
        return "LeastConnectionsBalancer[" + snapshot.size() + " endpoints, P2C]";
    }
}
