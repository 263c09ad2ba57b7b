package dev.berth.server.logging;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets one record through per interval and counts the ones it holds back, so a flood (a full
 * connection limit, an fd table at its limit) costs one line per interval, not one per event.
 */
public final class LogRateLimiter {

    /** Returned by {@link #tryAcquire()} when this record must be dropped. */
    public static final long SUPPRESSED = -1;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long nextAllowed;
    private long suppressed;
    private boolean started;

    public LogRateLimiter(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    public LogRateLimiter(Duration interval) {
        this(interval, System::nanoTime);
    }

    /**
     * @return {@link #SUPPRESSED} when the record must be dropped; otherwise how many records
     *     were dropped since the last one let through (log it as a field)
     */
    public synchronized long tryAcquire() {
        long now = nanoClock.getAsLong();
        if (started && now - nextAllowed < 0) {
            suppressed++;
            return SUPPRESSED;
        }
        started = true;
        nextAllowed = now + intervalNanos;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }
}
