package dev.berth.proxy.upstream;

import dev.berth.dial.AttemptRecord;
import dev.berth.proxy.observe.ConnectFailure;
import io.netty.channel.ConnectTimeoutException;
import java.net.NoRouteToHostException;
import java.util.Locale;

/**
 * Names why an upstream connect attempt failed. NIO and epoll word one errno differently (NIO:
 * {@code BindException: Cannot assign requested address}; epoll: {@code connect(..) failed:
 * Cannot assign requested address}), so the text both share is read, as berth-dial does.
 */
public final class ConnectFailures {

    private ConnectFailures() {}

    /**
     * A direct connect's failure.
     *
     * @param portBoundFirst the socket was bound to a source address without
     *     {@code IP_BIND_ADDRESS_NO_PORT} (NIO): its port was taken at bind time
     */
    public static ConnectFailure of(Throwable cause, boolean portBoundFirst) {
        if (cause instanceof ConnectTimeoutException) {
            return ConnectFailure.TIMEOUT;
        }
        if (cause instanceof NoRouteToHostException) {
            return ConnectFailure.UNREACHABLE;
        }
        return ofText(cause.getMessage(), portBoundFirst);
    }

    /** A Happy Eyeballs attempt's failure, as berth-dial recorded it. */
    public static ConnectFailure of(AttemptRecord attempt, boolean portBoundFirst) {
        return switch (attempt.outcome()) {
            case REFUSED -> ConnectFailure.REFUSED;
            case UNREACHABLE -> ConnectFailure.UNREACHABLE;
            case TIMEOUT -> ConnectFailure.TIMEOUT;
            default -> ofText(attempt.error(), portBoundFirst);
        };
    }

    static ConnectFailure ofText(String message, boolean portBoundFirst) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("cannot assign requested address") || m.contains("eaddrnotavail")) {
            // epoll names the call: at bind() the source address is not this host's; at connect() no port is left.
            // NIO does not; but a socket whose port was bound first picks none at connect(), so there it is the address.
            boolean atBind = m.startsWith("bind(") || m.contains("at bind") || portBoundFirst;
            return atBind ? ConnectFailure.SOURCE_UNAVAILABLE : ConnectFailure.PORTS_EXHAUSTED;
        }
        if (m.contains("address already in use")) {
            // Only bind(ip, 0) before connect() says this: the port range is used up for every destination.
            return ConnectFailure.PORTS_EXHAUSTED;
        }
        if (m.contains("connection refused")) {
            return ConnectFailure.REFUSED;
        }
        if (m.contains("network is unreachable") || m.contains("no route to host") || m.contains("host is unreachable")) {
            return ConnectFailure.UNREACHABLE;
        }
        if (m.contains("timed out")) {
            return ConnectFailure.TIMEOUT;
        }
        return ConnectFailure.OTHER;
    }
}
