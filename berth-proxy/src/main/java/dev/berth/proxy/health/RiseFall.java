package dev.berth.proxy.health;

/**
 * One endpoint's health from active check results (HAProxy's rise and fall): healthy after
 * {@code healthyThreshold} passes in a row, unhealthy after {@code unhealthyThreshold}
 * failures in a row. A result that agrees with the current state clears the count towards
 * the other.
 *
 * <p>Until its first result an endpoint is <em>unknown</em> and has the health it started with
 * (healthy: new endpoints take traffic, Envoy's rule; or unhealthy: they wait). The first result
 * then decides at once, without a threshold: an endpoint nobody has checked yet is not given
 * the benefit of several failures, nor made to wait for several passes.
 *
 * <p>Not thread-safe: one endpoint's checks run one at a time, on one thread.
 */
public final class RiseFall {

    private final int healthyThreshold;
    private final int unhealthyThreshold;
    private boolean healthy;
    private boolean known;
    private int streak;

    /**
     * @param healthyThreshold   passes in a row that make an unhealthy endpoint healthy, >= 1
     * @param unhealthyThreshold failures in a row that make a healthy endpoint unhealthy, >= 1
     * @param startHealthy       the health of an endpoint before its first result
     */
    public RiseFall(int healthyThreshold, int unhealthyThreshold, boolean startHealthy) {
        if (healthyThreshold < 1 || unhealthyThreshold < 1) {
            throw new IllegalArgumentException("thresholds " + healthyThreshold + "/" + unhealthyThreshold + " (expected: >= 1)");
        }
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
        this.healthy = startHealthy;
    }

    /** Records one check result. */
    public Transition record(boolean passed) {
        if (!known) {
            known = true;
            streak = 0;
            boolean was = healthy;
            healthy = passed;
            return was == passed ? Transition.UNCHANGED : Transition.CHANGED;
        }
        if (passed == healthy) {
            streak = 0;
            return Transition.UNCHANGED;
        }
        streak++;
        if (streak >= (healthy ? unhealthyThreshold : healthyThreshold)) {
            healthy = passed;
            streak = 0;
            return Transition.CHANGED;
        }
        return Transition.PENDING;
    }

    public boolean healthy() {
        return healthy;
    }

    /** False until the first result. */
    public boolean known() {
        return known;
    }

    /** Results in a row against the current health (towards a change); 0 when none. */
    public int streak() {
        return streak;
    }
}
