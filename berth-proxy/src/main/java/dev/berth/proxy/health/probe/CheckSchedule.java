package dev.berth.proxy.health.probe;

/**
 * When an endpoint's next check starts: {@code interval} (plus jitter) after the previous one
 * started, so the cadence does not drift by how long checks take; at once if the previous check
 * took longer than that (checks of one endpoint never overlap).
 */
final class CheckSchedule {

    private CheckSchedule() {}

    /**
     * @param startedAt     when the check that just ended started (nanos)
     * @param now           now (nanos, the same clock)
     * @param jitterNanos   this check's random extra delay, already drawn
     * @return nanos from {@code now} until the next check, >= 0
     */
    static long nextDelayNanos(long startedAt, long now, long intervalNanos, long jitterNanos) {
        return Math.max(0, startedAt + intervalNanos + jitterNanos - now);
    }
}
