package dev.berth.dial;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Turns the errors of a failed {@code connect(2)} into an {@link AttemptOutcome} and a sentence
 * with the kernel's real meaning. NIO and epoll report the same errno differently
 * ({@code ConnectException} vs Netty's {@code NativeIoException}), so the classification reads
 * the error text both share.
 */
final class ConnectErrors {

    private ConnectErrors() {}

    static AttemptOutcome classify(Throwable error) {
        String m = lower(error);
        if (m.contains("connection refused")) {
            return AttemptOutcome.REFUSED;
        }
        if (error instanceof NoRouteToHostException || m.contains("network is unreachable") || m.contains("no route to host")
                || m.contains("host is unreachable")) {
            return AttemptOutcome.UNREACHABLE;
        }
        if (error instanceof SocketTimeoutException || m.contains("timed out")) {
            return AttemptOutcome.TIMEOUT;
        }
        if (error instanceof ConnectException && m.isEmpty()) {
            return AttemptOutcome.REFUSED;
        }
        return AttemptOutcome.OTHER;
    }

    /** What happened, in words; EADDRNOTAVAIL is explained as what it means for a connect. */
    static String describe(Throwable error, InetSocketAddress destination) {
        String m = lower(error);
        if (m.contains("cannot assign requested address") && m.startsWith("bind(")) {
            // epoll names the call: a bound source address that is not one of this host's.
            return "source address not available (EADDRNOTAVAIL at bind: it is not an address of this host)";
        }
        if (m.contains("cannot assign requested address")) {
            // The JDK reports this as BindException "Cannot assign requested address": for a connect
            // it means no free local port is left for this destination (or the source IP is gone).
            return "local ephemeral ports exhausted for " + AttemptScheduler.formatAddress(destination)
                    + " (EADDRNOTAVAIL: every local port to this destination is in use; see ip_local_port_range and TIME_WAIT)";
        }
        if (m.contains("connection refused")) {
            return "connection refused (ECONNREFUSED: nothing listens there)";
        }
        if (m.contains("network is unreachable")) {
            return "network is unreachable (ENETUNREACH: no route for this family)";
        }
        if (m.contains("no route to host") || m.contains("host is unreachable")) {
            return "no route to host (EHOSTUNREACH)";
        }
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String lower(Throwable error) {
        String m = error.getMessage();
        return m == null ? "" : m.toLowerCase(Locale.ROOT);
    }
}
