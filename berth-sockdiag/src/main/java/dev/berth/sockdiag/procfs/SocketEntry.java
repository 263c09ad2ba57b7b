package dev.berth.sockdiag.procfs;

import dev.berth.ip.IpAddress;
import dev.berth.ip.IpFamily;

/**
 * One row of {@code /proc/net/tcp}, {@code tcp6}, {@code udp} or {@code udp6}.
 *
 * <p>Addresses are given as the traffic is: an IPv4-mapped address of a dual-stack IPv6 socket
 * ({@code ::ffff:127.0.0.1}) is reported as the IPv4 address ({@code 127.0.0.1}); {@link #table()}
 * still says which file the row came from.
 *
 * @param transport TCP or UDP
 * @param table {@link IpFamily#IPV6} for rows of {@code tcp6}/{@code udp6}, even when the addresses are IPv4
 * @param line the row's line number in the file, 1-based (the header is line 1)
 * @param localAddress the local address ({@code 0.0.0.0} or {@code ::} for a wildcard)
 * @param localPort the local port
 * @param remoteAddress the remote address ({@code 0.0.0.0} or {@code ::} when not connected)
 * @param remotePort the remote port, 0 when not connected
 * @param state the state ({@code st}); UDP: {@link TcpState#CLOSE} unconnected, {@link TcpState#ESTABLISHED} connected
 * @param txQueue bytes not yet acknowledged by the peer (TCP) or queued to send (UDP)
 * @param rxQueue bytes not yet read; for a LISTEN socket, the connections waiting in its accept queue
 * @param timer the active timer ({@code tr}): 0 none, 1 retransmit, 2 keepalive or another, 3 TIME_WAIT, 4 zero-window probe
 * @param timerTicks clock ticks (1/100 s) until the timer fires ({@code tm->when}); a fresh TIME_WAIT shows about 6000
 * @param retransmits unrecovered retransmission timeouts ({@code retrnsmt})
 * @param uid the owner's user id
 * @param inode the socket's inode, the key to {@code /proc/PID/fd} links; 0 for TIME_WAIT and request sockets
 */
public record SocketEntry(
        Transport transport,
        IpFamily table,
        int line,
        IpAddress localAddress,
        int localPort,
        IpAddress remoteAddress,
        int remotePort,
        TcpState state,
        long txQueue,
        long rxQueue,
        int timer,
        long timerTicks,
        long retransmits,
        long uid,
        long inode) {

    /** Clock ticks per second of {@code tm->when} (USER_HZ). */
    public static final int TICKS_PER_SECOND = 100;

    /** True for a TCP socket in LISTEN or an unconnected UDP socket: one that takes traffic from anyone. */
    public boolean isListening() {
        return transport == Transport.TCP ? state == TcpState.LISTEN
                : state == TcpState.CLOSE && remotePort == 0;
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}. */
    public String local() {
        return hostPort(localAddress, localPort);
    }

    /** {@code 10.0.0.5:5432}, {@code [2001:db8::5]:5432}. */
    public String remote() {
        return hostPort(remoteAddress, remotePort);
    }

    /** {@code ADDR:PORT}, IPv6 in brackets, in RFC 5952 form. */
    public static String hostPort(IpAddress address, int port) {
        return address.toUriString() + ":" + port;
    }

    @Override
    public String toString() {
        return transport.label() + " " + local() + " -> " + remote() + " " + state;
    }
}
