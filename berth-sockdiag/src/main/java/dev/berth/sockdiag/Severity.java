package dev.berth.sockdiag;

import java.util.Locale;

/** How exposed a listening socket is, for {@code diag listeners}; {@code --fail-on} compares against it. */
public enum Severity {
    /** A database or admin port on every interface. */
    HIGH,
    /** A database or admin port on a specific, non-loopback address: reachable from that network. */
    MEDIUM,
    /** Worth a look: a sensitive port on a link-local address, a fixed listener inside the ephemeral range. */
    LOW,
    /** Nothing to do. */
    INFO;

    /** {@code high}, {@code medium}, {@code low}, {@code info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this is at least as severe as {@code other}. */
    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }
}
