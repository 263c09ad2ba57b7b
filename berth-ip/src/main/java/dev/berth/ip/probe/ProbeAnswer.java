package dev.berth.ip.probe;

import java.util.Objects;

/**
 * One yes/no answer of the {@link Ipv6Probe} with the one-line reason for it, e.g.
 * {@code no: no global IPv6 address (only ::1 on lo and fe80::1 on eth0)}.
 *
 * @param yes whether the capability is there
 * @param reason why: one line, without a leading "yes"/"no"
 */
public record ProbeAnswer(boolean yes, String reason) {

    public ProbeAnswer {
        Objects.requireNonNull(reason, "reason");
        if (reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a reason is one line: " + reason);
        }
    }

    static ProbeAnswer yes(String reason) {
        return new ProbeAnswer(true, reason);
    }

    static ProbeAnswer no(String reason) {
        return new ProbeAnswer(false, reason);
    }

    /** {@code yes: REASON} or {@code no: REASON}. */
    @Override
    public String toString() {
        return (yes ? "yes: " : "no: ") + reason;
    }
}
