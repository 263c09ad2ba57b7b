package dev.berth.sockdiag;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.procfs.SocketEntry;

/**
 * Connections per endpoint: for outbound ones the destination, for inbound ones the local
 * listening address they came in on.
 *
 * @param direction outbound (to {@code address:port}) or inbound (on {@code address:port})
 * @param address the destination, or the local address for inbound connections
 * @param port the destination port, or the local listening port
 * @param timeWait sockets in TIME_WAIT
 * @param established sockets in ESTABLISHED
 * @param total sockets in any state
 */
public record PeerCount(Direction direction, IpAddress address, int port, int timeWait, int established, int total) {

    /** {@code to 10.0.0.5:5432} or {@code on 0.0.0.0:8080}. */
    public String describe() {
        return (direction == Direction.OUTBOUND ? "to " : "on ") + SocketEntry.hostPort(address, port);
    }
}
