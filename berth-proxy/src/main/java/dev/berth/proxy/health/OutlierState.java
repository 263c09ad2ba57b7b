package dev.berth.proxy.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint's outlier record: its failures in a row, whether it is ejected and until when,
 * and how often it has been. Changed only through its cluster's {@link OutlierDetector}; read
 * from any thread.
 */
public final class OutlierState {

    final AtomicInteger consecutiveFailures = new AtomicInteger();
    volatile boolean ejected;
    volatile long ejectedUntil;
    volatile int timesEjected;
    long returnedAt;
    boolean everReturned;

    public boolean ejected() {
        return ejected;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Ejections so far, less one for every base ejection time spent in rotation since the last. */
    public int timesEjected() {
        return timesEjected;
    }

    /** Nanos until the ejection ends, measured from {@code now}; 0 when not ejected. */
    public long ejectionRemainingNanos(long now) {
        return ejected ? Math.max(0, ejectedUntil - now) : 0;
    }
}
