package dev.berth.proxy.health;

/**
 * Envoy's healthy panic threshold: when too few endpoints are healthy, sending all traffic to
 * those few would overload them (and a check that fails everywhere at once is more often the
 * checker's problem than every endpoint's), so the balancer uses every endpoint instead.
 */
public final class PanicMode {

    private PanicMode() {}

    /**
     * True when fewer than {@code thresholdPercent} of {@code total} endpoints are healthy.
     * A threshold of 0 never panics (then no healthy endpoint means no endpoint); an empty
     * cluster never panics (there is nothing to fall back to).
     */
    public static boolean active(int healthy, int total, int thresholdPercent) {
        if (healthy < 0 || healthy > total || thresholdPercent < 0 || thresholdPercent > 100) {
            throw new IllegalArgumentException(healthy + " of " + total + " healthy, threshold " + thresholdPercent + "%");
        }
        return total > 0 && thresholdPercent > 0 && (long) healthy * 100 < (long) thresholdPercent * total;
    }
}
