package dev.berth.sockdiag;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.procfs.SocketEntry;

/**
 * New TIME_WAIT sockets towards one destination over a watch interval: each is a connection
 * this host opened and closed, and each keeps its tuple for 60 s, so a steady rate of N per
 * second needs N × 60 tuples of the destination's pool.
 *
 * @param source the local address
 * @param destination the remote address
 * @param port the remote port
 * @param newTimeWait TIME_WAIT sockets that appeared during the interval
 * @param perSecond {@code newTimeWait} per second
 * @param tuplesNeeded {@code perSecond × 60}, rounded up
 * @param usable the usable pool
 * @param percent {@code tuplesNeeded / usable}, 0-100 and beyond
 * @param level {@link Level#ofPercent}
 */
public record ChurnRate(IpAddress source, IpAddress destination, int port, int newTimeWait, double perSecond,
        long tuplesNeeded, int usable, double percent, Level level) {

    /** {@code 127.0.0.1 -> 127.0.0.1:7001}. */
    public String describe() {
        return source.toCanonicalString() + " -> " + SocketEntry.hostPort(destination, port);
    }
}
