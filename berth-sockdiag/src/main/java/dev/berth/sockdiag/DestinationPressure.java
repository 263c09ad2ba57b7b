package dev.berth.sockdiag;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.Map;

/**
 * Ephemeral ports in use towards one destination from one source address. The kernel only
 * needs the 4-tuple to be unique, so each (source IP, destination IP, destination port) has the
 * whole usable pool to itself: exhaustion is per destination, and TIME_WAIT holds a tuple too.
 *
 * @param source the local address
 * @param destination the remote address
 * @param port the remote port
 * @param states sockets by state, most first
 * @param sockets all of them
 * @param usable the usable pool ({@link EphemeralPool#usable()})
 * @param percent {@code sockets / usable}, 0-100 (100 when nothing is usable)
 * @param level {@link Level#ofPercent}: warning from 70 %, critical from 90 %
 */
public record DestinationPressure(IpAddress source, IpAddress destination, int port, Map<TcpState, Integer> states,
        int sockets, int usable, double percent, Level level) {

    /** The state holding most of the ports. */
    public TcpState dominantState() {
        return states.keySet().iterator().next();
    }

    /** {@code 127.0.0.1 -> 127.0.0.1:7001}. */
    public String describe() {
        return source.toCanonicalString() + " -> " + SocketEntry.hostPort(destination, port);
    }
}
