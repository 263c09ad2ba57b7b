package dev.berth.proxy.observe;

import java.util.List;

/**
 * Observes proxied connections: access logs and metrics implement it; the relay calls it and
 * knows nothing else about them (OkHttp's {@code EventListener} model).
 *
 * <p>Contract: called on the connection's event loop; fast, non-blocking, never throws.
 */
public interface ProxyObserver {

    /** A client connection was accepted on a listener. */
    default void accepted(ConnectionInfo info) {}

    /**
     * The policy would have denied this client but {@code shadow: true} let it through
     * (enforced denials end the connection with reason {@code PD} and are seen in {@link #closed}).
     */
    default void shadowDenied(ConnectionInfo info) {}

    /** A connection to an endpoint was established. */
    default void upstreamConnected(ConnectionInfo info) {}

    /** A connection attempt to an endpoint failed; {@code timedOut} when it hit connect_timeout. */
    default void upstreamConnectFailed(ConnectionInfo info, String endpoint, boolean timedOut) {}

    /** Bytes relayed since the last call: from the client, and to the client. */
    default void bytes(ConnectionInfo info, long fromDownstream, long toDownstream) {}

    /** The connection is over; {@code info} is complete. Called exactly once. */
    default void closed(ConnectionInfo info) {}

    ProxyObserver NONE = new ProxyObserver() {};

    /** Calls each observer in order. */
    static ProxyObserver of(List<ProxyObserver> observers) {
        List<ProxyObserver> all = List.copyOf(observers);
        return new ProxyObserver() {
            @Override
            public void accepted(ConnectionInfo info) {
                for (ProxyObserver o : all) {
                    o.accepted(info);
                }
            }

            @Override
            public void shadowDenied(ConnectionInfo info) {
                for (ProxyObserver o : all) {
                    o.shadowDenied(info);
                }
            }

            @Override
            public void upstreamConnected(ConnectionInfo info) {
                for (ProxyObserver o : all) {
                    o.upstreamConnected(info);
                }
            }

            @Override
            public void upstreamConnectFailed(ConnectionInfo info, String endpoint, boolean timedOut) {
                for (ProxyObserver o : all) {
                    o.upstreamConnectFailed(info, endpoint, timedOut);
                }
            }

            @Override
            public void bytes(ConnectionInfo info, long fromDownstream, long toDownstream) {
                for (ProxyObserver o : all) {
                    o.bytes(info, fromDownstream, toDownstream);
                }
            }

            @Override
            public void closed(ConnectionInfo info) {
                for (ProxyObserver o : all) {
                    o.closed(info);
                }
            }
        };
    }
}
