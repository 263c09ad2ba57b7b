package dev.berth.sockdiag;

import dev.berth.ip.AddressClass;
import dev.berth.ip.IpAddress;
import dev.berth.ip.IpAddresses;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One port's story: who listens on it, who else uses it, whether it is ephemeral, reserved or
 * privileged, and what {@code bind()} would do on the usual addresses.
 *
 * <p>The bind rules are Linux's: a socket bound to {@code 0.0.0.0} covers every IPv4 address, one
 * bound to {@code ::} covers every IPv6 address and, unless IPV6_V6ONLY is set, every IPv4 address
 * too; two sockets conflict when what they cover overlaps. A listener in the way makes bind()
 * fail with EADDRINUSE (unless both sockets set SO_REUSEPORT as the same user); other sockets on
 * the port (connections, TIME_WAIT) are in the way unless both they and the new socket set
 * SO_REUSEADDR, which cannot be seen from procfs.
 */
public final class PortAnalyzer {

    private record Candidate(String label, IpAddress address, Boolean v6only) {}

    private static final List<Candidate> CANDIDATES = List.of(
            new Candidate("0.0.0.0", IpAddresses.forString("0.0.0.0"), null),
            new Candidate("127.0.0.1", IpAddresses.forString("127.0.0.1"), null),
            new Candidate("[::] dual-stack", IpAddresses.forString("::"), false),
            new Candidate("[::] IPv6-only", IpAddresses.forString("::"), true),
            new Candidate("::1", IpAddresses.forString("::1"), null));

    private PortAnalyzer() {}

    public static PortReport analyze(Snapshot snapshot, int port) {
        KernelSettings kernel = snapshot.kernel();
        PortRange range = kernel.portRangeOrDefault();
        boolean inRange = range.contains(port);
        boolean reserved = kernel.reservedPortsOrNone().contains(port);
        int unprivileged = kernel.unprivilegedPortStartOrDefault();
        boolean privileged = port < unprivileged;
        SensitivePort service = SensitivePorts.lookup(port).orElse(null);

        List<Listener> listeners = Stream.concat(snapshot.tcp().stream(), snapshot.udp().stream())
                .filter(s -> s.isListening() && s.localPort() == port)
                .map(s -> ListenerAudit.classify(s, snapshot)).toList();
        Map<TcpState, Integer> local = new EnumMap<>(TcpState.class);
        Map<TcpState, Integer> to = new EnumMap<>(TcpState.class);
        for (SocketEntry s : snapshot.tcp()) {
            if (s.state() == TcpState.LISTEN) {
                continue;
            }
            if (s.localPort() == port) {
                local.merge(s.state(), 1, Integer::sum);
            }
            if (s.remotePort() == port) {
                to.merge(s.state(), 1, Integer::sum);
            }
        }

        List<BindOutcome> binds = new ArrayList<>();
        for (Transport t : Transport.values()) {
            for (Candidate c : CANDIDATES) {
                binds.add(bind(snapshot, t, port, c, privileged, unprivileged));
            }
        }

        List<String> advice = new ArrayList<>();
        if (service != null) {
            advice.add(port + " is the usual port of " + service.service() + " (" + service.risk() + "): never bind it to"
                    + " a wildcard address; " + service.advice() + ".");
        }
        if (inRange && !reserved) {
            advice.add(port + " lies inside the ephemeral range " + range + " and is not reserved: any connect() may take"
                    + " it as a source port, so a service that binds it can fail at (re)start with EADDRINUSE. Reserve it"
                    + " (add it to net.ipv4.ip_local_reserved_ports, keeping what is there) or pick a port below "
                    + range.low() + ".");
        } else if (inRange) {
            advice.add(port + " lies inside the ephemeral range " + range + " but is reserved: the kernel never hands it"
                    + " out automatically, so binding it explicitly is safe.");
        } else {
            advice.add(port + " lies outside the ephemeral range " + range + ": connect() never picks it by itself.");
        }
        if (privileged) {
            advice.add(port + " is below net.ipv4.ip_unprivileged_port_start (" + unprivileged + "): binding it needs root"
                    + " or CAP_NET_BIND_SERVICE, otherwise EACCES (\"Permission denied\").");
        }
        if (listeners.isEmpty() && local.isEmpty()) {
            advice.add("Nothing in this network namespace uses port " + port + " now.");
        }
        return new PortReport(port, range, inRange, reserved, unprivileged, privileged, service, listeners, local, to,
                binds, advice, ListenerAudit.notes(snapshot), snapshot.problems());
    }

    private static BindOutcome bind(Snapshot snapshot, Transport transport, int port, Candidate c, boolean privileged,
            int unprivileged) {
        List<SocketEntry> sockets = transport == Transport.TCP ? snapshot.tcp() : snapshot.udp();
        List<String> listenersInWay = new ArrayList<>();
        Map<TcpState, Integer> othersInWay = new EnumMap<>(TcpState.class);
        for (SocketEntry s : sockets) {
            if (s.localPort() != port) {
                continue;
            }
            Boolean v6only = s.localAddress().isIpv6()
                    ? snapshot.details().of(s.inode()).map(d -> d.v6only()).orElse(null) : null;
            if (!overlaps(c.address(), c.v6only(), s.localAddress(), v6only)) {
                continue;
            }
            if (s.isListening()) {
                BindClass bc = BindClass.of(s.localAddress(), v6only);
                List<ProcessRef> owners = snapshot.owners().of(s.inode());
                listenersInWay.add(s.local() + " " + bc.label()
                        + (owners.isEmpty() ? "" : " (pid " + owners.stream().map(ProcessRef::toString)
                        .collect(Collectors.joining(", ")) + ")"));
            } else {
                othersInWay.merge(s.state(), 1, Integer::sum);
            }
        }
        if (!listenersInWay.isEmpty()) {
            return new BindOutcome(transport, c.label(), BindVerdict.FAILS, "EADDRINUSE", "held by "
                    + String.join(", ", listenersInWay) + " (only sockets that all set SO_REUSEPORT, as the same user,"
                    + " may share it" + (transport == Transport.UDP ? "; for UDP SO_REUSEADDR on both also does" : "")
                    + ")");
        }
        if (!othersInWay.isEmpty()) {
            int n = othersInWay.values().stream().mapToInt(Integer::intValue).sum();
            return new BindOutcome(transport, c.label(), BindVerdict.MAY_FAIL, "EADDRINUSE", n + " socket"
                    + (n == 1 ? " uses" : "s use") + " the port locally (" + SocketsAnalyzer.describeStates(
                    SocketsAnalyzer.byCount(othersInWay), n) + "): bind() works only if they and the new socket all set"
                    + " SO_REUSEADDR (the JDK and Netty set it on server sockets)"
                    + (othersInWay.containsKey(TcpState.TIME_WAIT) ? "; TIME_WAIT ones are gone within 60 s" : ""));
        }
        if (privileged) {
            return new BindOutcome(transport, c.label(), BindVerdict.MAY_FAIL, "EACCES", "free, but below "
                    + unprivileged + ": needs root or CAP_NET_BIND_SERVICE");
        }
        return new BindOutcome(transport, c.label(), BindVerdict.OK, null, "free");
    }

    /**
     * Whether a socket bound to {@code a} and one bound to {@code b} (addresses unmapped) cover a
     * common address; an IPv6 wildcard with unknown IPV6_V6ONLY is taken as dual-stack.
     */
    static boolean overlaps(IpAddress a, Boolean aV6only, IpAddress b, Boolean bV6only) {
        boolean aWild = a.classes().contains(AddressClass.UNSPECIFIED);
        boolean bWild = b.classes().contains(AddressClass.UNSPECIFIED);
        if (!aWild && !bWild) {
            return a.withoutScope().equals(b.withoutScope());
        }
        if (aWild && bWild) {
            return coversV4(a, aV6only) && coversV4(b, bV6only) || coversV6(a) && coversV6(b);
        }
        IpAddress wild = aWild ? a : b;
        Boolean wildV6only = aWild ? aV6only : bV6only;
        IpAddress specific = aWild ? b : a;
        return specific.isIpv4() ? coversV4(wild, wildV6only) : coversV6(wild);
    }

    private static boolean coversV4(IpAddress wildcard, Boolean v6only) {
        return wildcard.isIpv4() || !Boolean.TRUE.equals(v6only);
    }

    private static boolean coversV6(IpAddress wildcard) {
        return wildcard.isIpv6();
    }
}
