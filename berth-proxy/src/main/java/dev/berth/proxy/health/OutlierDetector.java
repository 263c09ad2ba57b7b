package dev.berth.proxy.health;

import dev.berth.proxy.config.OutlierDetectionConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Passive outlier ejection for one cluster (Envoy's consecutive-errors detector, where for TCP
 * an error is a failed connection): an endpoint that fails {@code consecutive_failures} times in
 * a row is ejected for {@code base_ejection_time × times ejected}, at most
 * {@code max_ejection_time} (or the base, if larger).
 *
 * <ul>
 *   <li>At most {@code max_ejection_percent} of the cluster's endpoints are ejected at once, but
 *       one always may be. An endpoint over the limit keeps counting and is ejected at its next
 *       failure once another has returned.</li>
 *   <li>The times-ejected multiplier forgets one ejection for every base ejection time the
 *       endpoint spends back in rotation, so a flap last week does not make today's ejection long.</li>
 *   <li>A passing active health check returns an ejected endpoint at once and clears its count
 *       (Envoy's {@code successful_active_health_check_uneject_host}).</li>
 * </ul>
 *
 * <p>Time is passed in (nanos on one monotonic clock); {@link #sweep} returns when it wants to run
 * next. Thread-safe: counting a result is lock-free, ejecting and returning take the detector's lock.
 */
public final class OutlierDetector {

    private final int threshold;
    private final long baseNanos;
    private final long capNanos;
    private final int maxEjectionPercent;

    public OutlierDetector(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime, int maxEjectionPercent) {
        if (consecutiveFailures < 1 || maxEjectionPercent < 1 || maxEjectionPercent > 100 || !baseEjectionTime.isPositive()) {
            throw new IllegalArgumentException("outlier detection " + consecutiveFailures + " failures, base " + baseEjectionTime
                    + ", " + maxEjectionPercent + "% (expected: >= 1, > 0, 1-100)");
        }
        this.threshold = consecutiveFailures;
        this.baseNanos = baseEjectionTime.toNanos();
        this.capNanos = Math.max(maxEjectionTime.toNanos(), baseNanos);
        this.maxEjectionPercent = maxEjectionPercent;
    }

    public OutlierDetector(OutlierDetectionConfig config) {
        this(config.consecutiveFailures(), config.baseEjectionTime(), config.maxEjectionTime(), config.maxEjectionPercent());
    }

    /** How many of {@code members} endpoints may be ejected at once: the percentage, rounded down, but at least one. */
    public static int maxEjectable(int members, int percent) {
        return Math.max(1, (int) ((long) members * percent / 100));
    }

    /** How long the {@code n}th ejection (counting from 1) lasts, in nanos. */
    public long ejectionNanos(int n) {
        return n > capNanos / baseNanos ? capNanos : Math.min(capNanos, baseNanos * n);
    }

    /** A connection to the endpoint ended well: its count of failures in a row starts over. */
    public void success(OutlierState s) {
        if (s.consecutiveFailures.get() != 0) {
            s.consecutiveFailures.set(0);
        }
    }

    /**
     * A connection to the endpoint failed (refused, timed out, reset by it).
     *
     * @param members the cluster's endpoints now, for the ejection limit ({@code s} among them)
     * @return true when this failure ejected the endpoint
     */
    public boolean failure(OutlierState s, Collection<OutlierState> members, long now) {
        if (s.consecutiveFailures.incrementAndGet() < threshold || s.ejected) {
            return false;
        }
        synchronized (this) {
            if (s.ejected || s.consecutiveFailures.get() < threshold) {
                return false;
            }
            int ejected = 0;
            for (OutlierState m : members) {
                if (m.ejected) {
                    ejected++;
                }
            }
            if (ejected >= maxEjectable(members.size(), maxEjectionPercent)) {
                return false;
            }
            int times = s.timesEjected;
            if (times > 0 && s.everReturned) {
                long forgotten = (now - s.returnedAt) / baseNanos;
                times = (int) Math.max(0, times - forgotten);
            }
            times++;
            s.timesEjected = times;
            s.ejectedUntil = now + ejectionNanos(times);
            s.consecutiveFailures.set(0);
            s.ejected = true;
            return true;
        }
    }

    /**
     * Returns every member whose ejection has ended by {@code now}, telling {@code returned} of each.
     *
     * @return nanos from {@code now} until the next ejection ends, or -1 when none is ejected
     */
    public synchronized long sweep(Collection<OutlierState> members, long now, Consumer<OutlierState> returned) {
        long next = -1;
        for (OutlierState m : members) {
            if (!m.ejected) {
                continue;
            }
            long left = m.ejectedUntil - now;
            if (left <= 0) {
                uneject(m, now);
                returned.accept(m);
            } else if (next < 0 || left < next) {
                next = left;
            }
        }
        return next;
    }

    /**
     * An active health check of the endpoint passed: if it is ejected it returns now, its count
     * started over. An endpoint in rotation keeps its count: the checker's connections are not
     * the ones that failed.
     *
     * @return true when it was ejected
     */
    public synchronized boolean activeCheckPassed(OutlierState s, long now) {
        if (!s.ejected) {
            return false;
        }
        uneject(s, now);
        return true;
    }

    private static void uneject(OutlierState s, long now) {
        s.ejected = false;
        s.returnedAt = now;
        s.everReturned = true;
        s.consecutiveFailures.set(0);
    }
}
