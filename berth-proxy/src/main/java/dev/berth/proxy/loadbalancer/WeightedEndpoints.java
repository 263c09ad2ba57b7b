package dev.berth.proxy.loadbalancer;

import java.util.List;
import java.util.Set;

/**
 * A validated, immutable copy of a snapshot with cumulative weights, shared by the balancers
 * that draw endpoints in proportion to their weight. Drawing is "cumulative weights + binary
 * search" (the classic inverse-CDF method): a number {@code r} in {@code [0, total)} falls in
 * exactly one endpoint's interval {@code [upper[i] - weight[i], upper[i])}, so integer draws give
 * exact proportions with no floating point. Nothing here allocates after construction.
 */
final class WeightedEndpoints {

    final Endpoint[] endpoints;
    final int[] weights;
    /** upper[i] = weights[0] + ... + weights[i]; strictly increasing because weights are >= 1. */
    private final long[] upper;
    final long total;

    private WeightedEndpoints(Endpoint[] endpoints) {
        this.endpoints = endpoints;
        this.weights = new int[endpoints.length];
        this.upper = new long[endpoints.length];
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            weights[i] = endpoints[i].weight();
            sum += weights[i];
            upper[i] = sum;
        }
        this.total = sum;
    }

    /**
     * Copies and checks a snapshot: no nulls, an address on each endpoint, weights >= 1. The
     * weight is read once here; the contract says it never changes for one instance.
     */
    static WeightedEndpoints of(List<? extends Endpoint> snapshot) {
        Endpoint[] endpoints = snapshot.toArray(new Endpoint[0]);
        for (int i = 0; i < endpoints.length; i++) {
            Endpoint e = endpoints[i];
            if (e == null) {
                throw new NullPointerException("snapshot[" + i + "]");
            }
            if (e.address() == null) {
                throw new IllegalArgumentException("snapshot[" + i + "]: no address");
            }
            if (e.weight() < 1) {
                throw new IllegalArgumentException(
                        "snapshot[" + i + "] " + e.address() + ": weight " + e.weight() + " (expected: >= 1)");
            }
        }
        return new WeightedEndpoints(endpoints);
    }

    int size() {
        return endpoints.length;
    }

    /** The endpoint index whose interval holds {@code r}, for {@code 0 <= r < total}. */
    int indexAt(long r) {
        int lo = 0;
        int hi = upper.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (upper[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Like {@link #indexAt} over the snapshot with endpoint {@code skip} taken out, for
     * {@code 0 <= r < total - weights[skip]}: a weighted draw without replacement in O(log n),
     * with no retry loop.
     */
    int indexAtSkipping(long r, int skip) {
        long skipStart = upper[skip] - weights[skip];
        return indexAt(r < skipStart ? r : r + weights[skip]);
    }

    /** True when every endpoint of this snapshot is in {@code exclude} (or the snapshot is empty). */
    boolean allExcluded(Set<Endpoint> exclude) {
        if (exclude.isEmpty()) {
            return endpoints.length == 0;
        }
        for (Endpoint e : endpoints) {
            if (!exclude.contains(e)) {
                return false;
            }
        }
        return true;
    }

    /** Total weight of the endpoints not in {@code exclude}. O(n); used on the retry path only. */
    long eligibleWeight(Set<Endpoint> exclude) {
        long sum = 0;
        for (int i = 0; i < endpoints.length; i++) {
            if (!exclude.contains(endpoints[i])) {
                sum += weights[i];
            }
        }
        return sum;
    }

    /**
     * The eligible endpoint (not in {@code exclude}, not {@code skip}) whose interval holds
     * {@code r} when the eligible endpoints' intervals are laid end to end. O(n); retry path only.
     *
     * @param r    {@code 0 <= r <} the eligible weight (less the weight of {@code skip})
     * @param skip an index to leave out as well, or -1
     */
    int eligibleIndexAt(long r, Set<Endpoint> exclude, int skip) {
        long remaining = r;
        int last = -1;
        for (int i = 0; i < endpoints.length; i++) {
            if (i == skip || exclude.contains(endpoints[i])) {
                continue;
            }
            if (remaining < weights[i]) {
                return i;
            }
            remaining -= weights[i];
            last = i;
        }
        return last; // unreachable for a valid r; kept total rather than throwing on the accept path
    }
}
