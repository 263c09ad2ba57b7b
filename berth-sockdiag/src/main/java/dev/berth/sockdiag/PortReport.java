package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.List;
import java.util.Map;

/**
 * {@code berth diag port PORT}: who has the port, where it lies, and what binding it would do.
 *
 * @param port the port
 * @param range the ephemeral range
 * @param inEphemeralRange whether the port lies in it
 * @param reserved whether the port is in {@code ip_local_reserved_ports}
 * @param unprivilegedPortStart {@code ip_unprivileged_port_start}
 * @param privileged whether binding needs root or CAP_NET_BIND_SERVICE
 * @param service the sensitive service usually on this port, or {@code null}
 * @param listeners every listening socket on the port, TCP and UDP, both families
 * @param localSockets other TCP sockets using the port as their local port, by state (e.g. an
 *     outgoing connection that got it as its ephemeral port, or connections accepted on it)
 * @param connectionsTo TCP connections from this namespace to the port on any address, by state
 * @param binds what binding it would do, per transport and address
 * @param advice what to know or do, one sentence each
 * @param notes what could not be seen and why
 * @param problems lines of procfs that could not be read
 */
public record PortReport(
        int port,
        PortRange range,
        boolean inEphemeralRange,
        boolean reserved,
        int unprivilegedPortStart,
        boolean privileged,
        SensitivePort service,
        List<Listener> listeners,
        Map<TcpState, Integer> localSockets,
        Map<TcpState, Integer> connectionsTo,
        List<BindOutcome> binds,
        List<String> advice,
        List<String> notes,
        List<String> problems) {}
