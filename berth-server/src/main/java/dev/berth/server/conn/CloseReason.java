package dev.berth.server.conn;

import java.util.Locale;

/** Who or what ended a connection; each has a stable label used in logs and metrics. */
public enum CloseReason {
    /** The client closed (FIN after its data was echoed, or it went away). */
    CLIENT,
    /** Nothing was read or written for the idle timeout. */
    IDLE_TIMEOUT,
    /** The server was shutting down and the drain timeout passed. */
    DRAIN,
    /** Refused at accept because the connection limit was reached. */
    LIMIT,
    /** An I/O error (for example a reset) ended it. */
    ERROR;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
