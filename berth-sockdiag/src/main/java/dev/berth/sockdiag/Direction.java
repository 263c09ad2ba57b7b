package dev.berth.sockdiag;

import java.util.Locale;

/** Which side opened a connection, as far as the socket table tells. */
public enum Direction {
    /** This host connected out; the local port is an ephemeral one. */
    OUTBOUND,
    /** A peer connected to one of this host's listening ports. */
    INBOUND;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
