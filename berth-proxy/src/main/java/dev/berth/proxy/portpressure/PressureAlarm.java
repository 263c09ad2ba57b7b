package dev.berth.proxy.portpressure;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When to log an endpoint's port pressure: a warning when it reaches the threshold, at most once
 * per {@code repeatNanos} (while it stays there, or flaps around it), and one all-clear when a
 * warned-about spell ends. An endpoint therefore costs at most two lines per interval. Time is
 * passed in.
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
    // When each endpoint was last warned about, kept after it clears so that flapping is rate-limited too.
    private final Map<String, Long> warnedAt = new HashMap<>();
    // Endpoints whose current spell above the threshold was warned about: they get an all-clear.
    private final Set<String> raised = new HashSet<>();

    PressureAlarm(double threshold, long repeatNanos) {
        this.threshold = threshold;
        this.repeatNanos = repeatNanos;
    }

    Action observe(String key, double ratio, long nowNanos) {
        if (ratio >= threshold) {
            Long last = warnedAt.get(key);
            if (last == null || nowNanos - last >= repeatNanos) {
                warnedAt.put(key, nowNanos);
                raised.add(key);
                return Action.WARN;
            }
            return Action.NONE;
        }
        return raised.remove(key) ? Action.CLEAR : Action.NONE;
    }

    /** Forgets endpoints that are gone (a DNS change, a reload). */
    void retainOnly(Set<String> keys) {
        warnedAt.keySet().retainAll(keys);
        raised.retainAll(keys);
    }
}
