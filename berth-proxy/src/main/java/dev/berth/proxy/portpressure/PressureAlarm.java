package dev.berth.proxy.portpressure;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When to log an endpoint's port pressure: a warning when it reaches the threshold, repeated at
 * most once per {@code repeatNanos} while it stays there, and one all-clear when it drops below.
 * A flapping endpoint therefore costs at most two lines per interval. Time is passed in.
 */
final class PressureAlarm {

    /** What to log for one observation. */
    enum Action {
        NONE,
        WARN,
        CLEAR
    }

    private final double threshold;
    private final long repeatNanos;
    // Endpoints at or above the threshold, with when they were last warned about.
    private final Map<String, Long> above = new HashMap<>();

    PressureAlarm(double threshold, long repeatNanos) {
        this.threshold = threshold;
        this.repeatNanos = repeatNanos;
    }

    Action observe(String key, double ratio, long nowNanos) {
        Long warned = above.get(key);
        if (ratio >= threshold) {
            if (warned == null || nowNanos - warned >= repeatNanos) {
                above.put(key, nowNanos);
                return Action.WARN;
            }
            return Action.NONE;
        }
        return above.remove(key) != null ? Action.CLEAR : Action.NONE;
    }

    /** Forgets endpoints that are gone (a DNS change, a reload). */
    void retainOnly(Set<String> keys) {
        above.keySet().retainAll(keys);
    }
}
