package dev.berth.proxy.loadbalancer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Smooth weighted round robin, nginx's algorithm ({@code ngx_http_upstream_get_peer} in
 * {@code src/http/ngx_http_upstream_round_robin.c}): on each pick every endpoint's
 * {@code current} grows by its weight, the largest {@code current} wins (the first one on a
 * tie) and the winner gives back the total weight. Weights 5, 1, 1 give {@code a a b a c a a}
 * rather than {@code a a a a a b c}; equal weights give plain rotation; every run of
 * {@code cycle} consecutive picks holds exactly {@code weight} picks of each endpoint (weights
 * reduced by their gcd, which changes nothing but the cycle length).
 *
 * <p>Concurrency. The sequence depends only on the weights, so when the cycle is short (at
 * most {@value #MAX_SCHEDULE_LENGTH} picks and {@value #MAX_BUILD_STEPS} build steps) it is
 * computed once here and a pick is one {@code getAndIncrement} on an atomic counter plus an
 * array read: lock-free, O(1), no allocation, and exact shares across threads because
 * counter values are handed out without gaps. Otherwise (a long cycle, from many endpoints
 * with large co-prime weights) the precomputed schedule would cost too much memory and build
 * time, so the nginx step runs under a lock instead: O(n) per pick, a few nanoseconds per
 * endpoint, and still exact because the lock orders the steps. From the same starting phase
 * both paths produce the same sequence.
 *
 * <p>Where the cycle starts is random (a uniform phase in the cycle; on the stepping path, one
 * of the first n picks), so that the proxies in a fleet, and successive snapshots in one
 * proxy, do not all send their first connection to the first endpoint. Envoy seeds its round
 * robin the same way.
 *
 * <p>Exclusion. On the precomputed path an excluded pick moves forward along the schedule to
 * the next endpoint not excluded; on the stepping path excluded endpoints sit out the step, as
 * nginx skips peers already tried. Either way the retry costs at most one pass over the cycle
 * or the endpoints, and only on the retry path.
 */
final class RoundRobinBalancer implements LoadBalancer {

    /** Longest schedule precomputed (entries of one reference each: 256 KiB with compressed oops). */
    static final int MAX_SCHEDULE_LENGTH = 1 << 16;

    /** Most work spent precomputing a schedule: its length times the number of endpoints. */
    static final long MAX_BUILD_STEPS = 1L << 22;

    private final WeightedEndpoints snapshot;
    /** Weights divided by their greatest common divisor. */
    private final int[] weights;
    /** Picks in one full cycle: the sum of {@link #weights}. */
    private final long cycle;

    /** The whole cycle, or null on the stepping path. */
    private final Endpoint[] schedule;
    /** Next position in {@link #schedule}; counts forever, taken modulo the cycle. */
    private final AtomicLong sequence;

    /** The nginx {@code current} values on the stepping path, or null; guarded by itself. */
    private final long[] current;

    /**
     * @param phase given an exclusive bound, how many picks to skip before the first one
     *     (production: a random number below the bound; tests: 0 for the textbook sequence)
     */
    RoundRobinBalancer(List<? extends Endpoint> snapshot, LongUnaryOperator phase) {
        this(snapshot, phase, MAX_SCHEDULE_LENGTH);
    }

    /** With a settable schedule limit, so that tests can force the stepping path. */
    RoundRobinBalancer(List<? extends Endpoint> snapshot, LongUnaryOperator phase, int maxScheduleLength) {
        this.snapshot = WeightedEndpoints.of(snapshot);
        int n = this.snapshot.size();
        this.weights = reducedWeights(this.snapshot.weights);
        long sum = 0;
        for (int w : weights) {
            sum += w;
        }
        this.cycle = sum;

        boolean precompute = n > 1 && cycle <= maxScheduleLength && cycle * n <= MAX_BUILD_STEPS;
        long[] state = new long[n];
        if (precompute) {
            Endpoint[] s = new Endpoint[(int) cycle];
            for (int i = 0; i < s.length; i++) {
                s[i] = this.snapshot.endpoints[step(state, null)];
            }
            this.schedule = s;
            this.sequence = new AtomicLong(bounded(phase, cycle));
            this.current = null;
        } else {
            if (n > 1) {
                // Skipping costs one O(n) step per pick, so skip fewer than n picks (O(n^2) in
                // all), as Envoy seeds its round robin: enough to vary the first endpoint.
                long skip = bounded(phase, Math.min(cycle, n));
                for (long i = 0; i < skip; i++) {
                    step(state, null);
                }
            }
            this.schedule = null;
            this.sequence = null;
            this.current = state;
        }
    }

    private static long bounded(LongUnaryOperator phase, long bound) {
        return Math.floorMod(phase.applyAsLong(bound), bound);
    }

    private static int[] reducedWeights(int[] raw) {
        int g = 0;
        for (int w : raw) {
            g = gcd(g, w);
        }
        int[] reduced = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            reduced[i] = raw[i] / g;
        }
        return reduced;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * One nginx step over {@code state}; endpoints in {@code exclude} (if not null) sit it out.
     * Returns the index picked. The caller guarantees at least one endpoint takes part.
     */
    private int step(long[] state, Set<Endpoint> exclude) {
        long total = 0;
        int best = -1;
        for (int i = 0; i < state.length; i++) {
            if (exclude != null && exclude.contains(snapshot.endpoints[i])) {
                continue;
            }
            state[i] += weights[i];
            total += weights[i];
            if (best < 0 || state[i] > state[best]) {
                best = i;
            }
        }
        state[best] -= total;
        return best;
    }

    @Override
    public Endpoint pick(PickContext context) {
        Endpoint[] endpoints = snapshot.endpoints;
        if (endpoints.length <= 1) {
            return endpoints.length == 0 ? null : endpoints[0];
        }
        Set<Endpoint> exclude = context.exclude();
        if (schedule != null) {
            int position = Math.floorMod(sequence.getAndIncrement(), (int) cycle);
            Endpoint picked = schedule[position];
            if (exclude.isEmpty() || !exclude.contains(picked)) {
                return picked;
            }
            return nextNotExcluded(position, picked, exclude);
        }
        Set<Endpoint> sitOut = exclude.isEmpty() || snapshot.allExcluded(exclude) ? null : exclude;
        synchronized (current) {
            return endpoints[step(current, sitOut)];
        }
    }

    /** The first endpoint after {@code position} in the schedule that is not excluded, if any. */
    private Endpoint nextNotExcluded(int position, Endpoint picked, Set<Endpoint> exclude) {
        if (snapshot.allExcluded(exclude)) {
            return picked;
        }
        // Terminates within one cycle: every endpoint appears in the schedule.
        for (int i = 1; ; i++) {
            Endpoint e = schedule[(position + i) % schedule.length];
            if (!exclude.contains(e)) {
                return e;
            }
        }
    }

    @Override
    public String toString() {
        return "RoundRobinBalancer[" + snapshot.size() + " endpoints, cycle " + cycle + ", "
                + (schedule != null ? "precomputed" : "stepping") + "]";
    }
}
