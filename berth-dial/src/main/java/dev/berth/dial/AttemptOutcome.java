package dev.berth.dial;

import java.util.Locale;

/** How one connection attempt ended. */
public enum AttemptOutcome {
    /** Still running (only seen in snapshots taken during a race). */
    PENDING,
    /** The TCP handshake completed. */
    CONNECTED,
    /** The peer answered with RST: nothing listens there (ECONNREFUSED). */
    REFUSED,
    /** No route to the address (ENETUNREACH, EHOSTUNREACH). */
    UNREACHABLE,
    /** Still waiting for the handshake when the overall deadline passed. */
    TIMEOUT,
    /** Closed by the dialer because another attempt won first (or the caller cancelled). */
    CANCELLED,
    /** Any other error, with the OS error text (for example local port exhaustion). */
    OTHER;

    /** Lower-case name, as in JSON output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
