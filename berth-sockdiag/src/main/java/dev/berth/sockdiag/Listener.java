package dev.berth.sockdiag;

import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.SocketEntry;
import java.util.List;

/**
 * One listening socket as the exposure audit sees it.
 *
 * @param socket the TCP LISTEN or unconnected UDP socket
 * @param bindClass where it is bound
 * @param v6only IPV6_V6ONLY of an IPv6 socket, {@code null} for IPv4 or when it could not be read
 * @param exposure the families it can be reached over (dual-stack: both)
 * @param processes who holds it, lowest pid first; empty when not found
 * @param queue TCP: connections waiting to be accepted
 * @param backlog TCP: the most that may wait, {@code null} when unknown
 * @param service the sensitive service usually on this port, or {@code null}
 * @param inEphemeralRange whether the port lies in {@code ip_local_port_range}
 * @param reserved whether the port is in {@code ip_local_reserved_ports}
 * @param severity how exposed
 * @param message the finding in one sentence
 * @param advice what to do, or {@code null} when nothing
 */
public record Listener(
        SocketEntry socket,
        BindClass bindClass,
        Boolean v6only,
        List<IpFamily> exposure,
        List<ProcessRef> processes,
        Long queue,
        Long backlog,
        SensitivePort service,
        boolean inEphemeralRange,
        boolean reserved,
        Severity severity,
        String message,
        String advice) {

    public Listener {
        exposure = List.copyOf(exposure);
        processes = List.copyOf(processes);
    }
}
