package dev.berth.proxy.loadbalancer;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Weighted random: each pick is independent, endpoint {@code i} with probability
 * {@code weight(i) / total}. The draw is one bounded random long and a binary search over
 * cumulative weights ({@link WeightedEndpoints}), O(log n), exact in integers; an alias table
 * (Vose) would be O(1) but needs floating point or a second draw, and n is small here.
 *
 * <p>HAProxy's {@code balance random(1)} and nginx's {@code random} without {@code two} are the
 * same policy. Holds no mutable state, so it is thread-safe without coordination; the random
 * source is per thread in production ({@code ThreadLocalRandom}).
 */
final class RandomBalancer implements LoadBalancer {

    private final WeightedEndpoints snapshot;
    private final Supplier<? extends RandomGenerator> random;

    RandomBalancer(List<? extends Endpoint> snapshot, Supplier<? extends RandomGenerator> random) {
        this.snapshot = WeightedEndpoints.of(snapshot);
        this.random = random;
    }

    @Override
    public Endpoint pick(PickContext context) {
        WeightedEndpoints s = snapshot;
        if (s.size() <= 1) {
            return s.size() == 0 ? null : s.endpoints[0];
        }
        Set<Endpoint> exclude = context.exclude();
        if (!exclude.isEmpty()) {
            // Retry path: draw among the endpoints not yet tried, still by weight.
            long eligible = s.eligibleWeight(exclude);
            if (eligible > 0) {
                return s.endpoints[s.eligibleIndexAt(random.get().nextLong(eligible), exclude, -1)];
            }
            // Every endpoint was tried: any will do, so fall through to a normal draw.
        }
        return s.endpoints[s.indexAt(random.get().nextLong(s.total))];
    }

    @Override
    public String toString() {
        return "RandomBalancer[" + snapshot.size() + " endpoints, total weight " + snapshot.total + "]";
    }
}
