package dev.berth.proxy.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts about a cluster's health and limits that metrics export; the cluster counts, metrics
 * only read.
 */
public final class ClusterStats {

    private final LongAdder healthChecks = new LongAdder();
    private final LongAdder healthCheckFailures = new LongAdder();
    private final LongAdder becameHealthy = new LongAdder();
    private final LongAdder becameUnhealthy = new LongAdder();
    private final LongAdder ejections = new LongAdder();
    private final LongAdder pendingOverflows = new LongAdder();

    /** Active checks run, passed or failed. */
    public long healthChecks() {
        return healthChecks.sum();
    }

    /** Active checks that failed. */
    public long healthCheckFailures() {
        return healthCheckFailures.sum();
    }

    /** Endpoints that active checks turned healthy. */
    public long becameHealthy() {
        return becameHealthy.sum();
    }

    /** Endpoints that active checks turned unhealthy. */
    public long becameUnhealthy() {
        return becameUnhealthy.sum();
    }

    /** Outlier ejections. */
    public long ejections() {
        return ejections.sum();
    }

    /** Clients closed because {@code max_pending} connects were already waiting. */
    public long pendingOverflows() {
        return pendingOverflows.sum();
    }

    void check(boolean passed) {
        healthChecks.increment();
        if (!passed) {
            healthCheckFailures.increment();
        }
    }

    void transition(boolean toHealthy) {
        (toHealthy ? becameHealthy : becameUnhealthy).increment();
    }

    void ejection() {
        ejections.increment();
    }

    void pendingOverflow() {
        pendingOverflows.increment();
    }
}
