package dev.berth.proxy.observe;

import java.util.Locale;

/** Why one upstream connect attempt failed, as the access log's {@code cause} names it. */
public enum ConnectFailure {
    /** The endpoint answered with a reset: nothing listens there (ECONNREFUSED). */
    REFUSED,
    /** No answer within {@code connect_timeout}. */
    TIMEOUT,
    /** No route to the endpoint (ENETUNREACH, EHOSTUNREACH). */
    UNREACHABLE,
    /**
     * No local port left towards this endpoint (EADDRNOTAVAIL, "Cannot assign requested
     * address"; or EADDRINUSE when ports are reserved at bind time): every port of the ephemeral
     * range is held by a socket to it from this source address, TIME_WAIT included.
     */
    PORTS_EXHAUSTED,
    /** The cluster's {@code source_address} is not an address of this host (EADDRNOTAVAIL at bind). */
    SOURCE_UNAVAILABLE,
    /** Anything else; the access log's {@code detail} has the error. */
    OTHER;

    /**
     * True when this host, not the endpoint, failed: no local port, no such source address.
     * Such failures do not count towards the endpoint's outlier detection.
     */
    public boolean local() {
        return this == PORTS_EXHAUSTED || this == SOURCE_UNAVAILABLE;
    }

    /** {@code ports_exhausted}, as in the access log. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
