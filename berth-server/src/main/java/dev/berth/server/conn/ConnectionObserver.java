package dev.berth.server.conn;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Observes connections from accept to close. Logging, counters and the demo's summary are
 * observers; the data path calls them and knows nothing else about them.
 *
 * <p>Contract: methods are called on the connection's event loop, must be fast, must not block
 * and must not throw.
 */
public interface ConnectionObserver {

    /** A connection was accepted and will be served. */
    default void opened(long id, InetSocketAddress peer, InetSocketAddress local) {}

    /** A connection ended; the record is complete. */
    default void closed(ConnectionRecord record) {}

    /** A connection was accepted and closed at once without being served. */
    default void rejected(InetSocketAddress peer, InetSocketAddress local, CloseReason reason) {}

    /** Observes nothing. */
    ConnectionObserver NONE = new ConnectionObserver() {};

    /** Calls each of {@code observers} in order. */
    static ConnectionObserver of(List<ConnectionObserver> observers) {
        List<ConnectionObserver> all = List.copyOf(observers);
        if (all.isEmpty()) {
            return NONE;
        }
        if (all.size() == 1) {
            return all.getFirst();
        }
        return new ConnectionObserver() {
            @Override
            public void opened(long id, InetSocketAddress peer, InetSocketAddress local) {
                for (ConnectionObserver o : all) {
                    o.opened(id, peer, local);
                }
            }

            @Override
            public void closed(ConnectionRecord record) {
                for (ConnectionObserver o : all) {
                    o.closed(record);
                }
            }

            @Override
            public void rejected(InetSocketAddress peer, InetSocketAddress local, CloseReason reason) {
                for (ConnectionObserver o : all) {
                    o.rejected(peer, local, reason);
                }
            }
        };
    }
}
