package dev.berth.sockdiag;

import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.Transport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The listening-exposure audit: every listening socket classified by where it is bound, who
 * holds it, and how bad that is. A database or admin port of {@link SensitivePorts} on a wildcard
 * address is {@link Severity#HIGH}; on a specific non-loopback address {@link Severity#MEDIUM};
 * on a link-local address {@link Severity#LOW}; on loopback {@link Severity#INFO}. Any other TCP
 * listener inside the ephemeral range and not reserved is {@link Severity#LOW}; the rest is info.
 */
public final class ListenerAudit {

    private ListenerAudit() {}

    public static ListenersReport audit(Snapshot snapshot) {
        List<Listener> listeners = new ArrayList<>();
        Stream.concat(snapshot.tcp().stream(), snapshot.udp().stream())
                .filter(SocketEntry::isListening)
                .forEach(s -> listeners.add(classify(s, snapshot)));
        listeners.sort(Comparator.comparing(Listener::severity)
                .thenComparingInt(l -> l.socket().localPort())
                .thenComparing(l -> l.socket().transport())
                .thenComparing(l -> l.socket().localAddress()));
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        listeners.forEach(l -> counts.merge(l.severity(), 1, Integer::sum));
        return new ListenersReport(snapshot.pid(), snapshot.namespace(), listeners, counts, notes(snapshot),
                snapshot.problems());
    }

    static List<String> notes(Snapshot snapshot) {
        List<String> notes = new ArrayList<>();
        if (!snapshot.details().isAvailable()) {
            notes.add("IPV6_V6ONLY unknown (" + snapshot.details().unavailable() + "): [::] listeners are reported as"
                    + " wildcard-ipv6 and treated as dual-stack");
        }
        if (snapshot.owners().uninspectable() > 0) {
            notes.add(snapshot.owners().uninspectable() + " processes could not be inspected: run as root to see who"
                    + " holds every socket");
        }
        return notes;
    }

    /** One listening socket of {@code snapshot}, classified. */
    public static Listener classify(SocketEntry s, Snapshot snapshot) {
        KernelSettings kernel = snapshot.kernel();
        PortRange range = kernel.portRangeOrDefault();
        PortSet reserved = kernel.reservedPortsOrNone();
        SocketDetail detail = snapshot.details().of(s.inode()).orElse(null);
        Boolean v6only = s.localAddress().isIpv6() && detail != null ? detail.v6only() : null;
        BindClass bind = BindClass.of(s.localAddress(), v6only);
        SensitivePort service = SensitivePorts.lookup(s.localPort(), s.transport()).orElse(null);
        boolean inRange = range.contains(s.localPort());
        boolean isReserved = reserved.contains(s.localPort());
        Long queue = s.transport() == Transport.TCP ? (detail != null ? detail.queue() : s.rxQueue()) : null;
        Long backlog = s.transport() == Transport.TCP && detail != null ? detail.backlog() : null;

        String where = describe(bind, s.local());
        Severity severity;
        String message;
        String advice;
        if (service != null) {
            String what = service.service() + " (" + s.localPort() + "/" + s.transport().label() + ")";
            switch (bind) {
                case LOOPBACK -> {
                    severity = Severity.INFO;
                    message = what + " on " + where;
                    advice = null;
                }
                case LINK_LOCAL -> {
                    severity = Severity.LOW;
                    message = what + " on " + where + ": " + service.risk();
                    advice = capitalize(service.advice()) + ".";
                }
                case SPECIFIC -> {
                    severity = Severity.MEDIUM;
                    message = what + " on " + where + ", reachable from that address's network: " + service.risk();
                    advice = capitalize(service.advice()) + ".";
                }
                default -> {
                    severity = Severity.HIGH;
                    message = what + " listens on " + where + ": " + service.risk();
                    advice = capitalize(service.advice()) + ". Inside a pod, every interface means the pod IP: the whole"
                            + " cluster network can connect; on a node or a hostNetwork pod it is every network the node"
                            + " is on.";
                }
            }
        } else if (s.transport() == Transport.TCP && inRange && !isReserved) {
            severity = Severity.LOW;
            message = s.local() + " listens inside the ephemeral range " + range + " and the port is not reserved";
            advice = "If this port is fixed (configured, not picked at random), a connect() may take it while the service"
                    + " is down and the restart fails with EADDRINUSE: move it below " + range.low()
                    + " or add it to net.ipv4.ip_local_reserved_ports.";
        } else {
            severity = Severity.INFO;
            message = s.local() + " listens on " + where;
            advice = null;
        }
        return new Listener(s, bind, v6only, bind.exposure(s.localAddress()), snapshot.owners().of(s.inode()), queue,
                backlog, service, inRange, isReserved, severity, message, advice);
    }

    private static String describe(BindClass bind, String local) {
        return switch (bind) {
            case LOOPBACK, LINK_LOCAL, SPECIFIC -> local + " (" + bind.meaning() + ")";
            default -> bind.meaning() + " (" + local + ")";
        };
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
