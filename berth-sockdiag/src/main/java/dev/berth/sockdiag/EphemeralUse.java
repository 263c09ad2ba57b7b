package dev.berth.sockdiag;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ephemeral ports that one snapshot's outgoing TCP sockets hold, per (source IP,
 * destination IP, destination port), against the pool {@code connect()} picks from. What
 * {@code berth diag sockets} reports as pressure and what the proxy's
 * {@code upstream_port_pressure_ratio} gauge measures, computed once here. Pure.
 */
public final class EphemeralUse {

    private record Key(IpAddress source, IpAddress destination, int port) {}

    private final PortRange range;
    private final PortSet reserved;
    private final Set<Integer> listenerPorts = new HashSet<>();
    private final EphemeralPool pool;
    private final Map<Key, DestinationPressure> byKey = new HashMap<>();
    private final List<DestinationPressure> pressure;

    private EphemeralUse(List<SocketEntry> tcp, KernelSettings kernel) {
        this.range = kernel.portRangeOrDefault();
        this.reserved = kernel.reservedPortsOrNone();
        Set<Integer> bound = new HashSet<>();
        for (SocketEntry s : tcp) {
            if (s.state() == TcpState.LISTEN) {
                listenerPorts.add(s.localPort());
                if (range.contains(s.localPort()) && !reserved.contains(s.localPort())) {
                    bound.add(s.localPort());
                }
            }
        }
        int reservedIn = reserved.countIn(range);
        int usable = Math.max(0, range.size() - reservedIn - bound.size());
        this.pool = new EphemeralPool(range, kernel.portRange() != null, reservedIn, bound.size(), usable);

        Map<Key, Map<TcpState, Integer>> groups = new HashMap<>();
        for (SocketEntry s : tcp) {
            if (isOutbound(s)) {
                groups.computeIfAbsent(new Key(s.localAddress(), s.remoteAddress(), s.remotePort()),
                        k -> new EnumMap<>(TcpState.class)).merge(s.state(), 1, Integer::sum);
            }
        }
        List<DestinationPressure> all = new ArrayList<>();
        groups.forEach((k, counts) -> {
            int n = counts.values().stream().mapToInt(Integer::intValue).sum();
            double percent = Numbers.share(n, usable);
            DestinationPressure p = new DestinationPressure(k.source(), k.destination(), k.port(),
                    SocketsAnalyzer.byCount(counts), n, usable, percent, Level.ofPercent(percent));
            byKey.put(k, p);
            all.add(p);
        });
        all.sort(Comparator.comparingDouble(DestinationPressure::percent).reversed()
                .thenComparing(Comparator.comparingInt(DestinationPressure::sockets).reversed())
                .thenComparing(DestinationPressure::describe));
        this.pressure = List.copyOf(all);
    }

    /** The use of the ports by {@code tcp} (every row of {@code tcp} and {@code tcp6}) under {@code kernel}'s range. */
    public static EphemeralUse of(List<SocketEntry> tcp, KernelSettings kernel) {
        return new EphemeralUse(tcp, kernel);
    }

    /** The usable pool, the same for every (source, destination, port). */
    public EphemeralPool pool() {
        return pool;
    }

    /**
     * True for a socket that holds an ephemeral port towards a destination: connected, its local
     * port inside the range, not reserved, and not a port something listens on (an accepted
     * connection's local port is the listener's).
     */
    public boolean isOutbound(SocketEntry s) {
        return s.state() != TcpState.LISTEN && s.remotePort() != 0 && range.contains(s.localPort())
                && !reserved.contains(s.localPort()) && !listenerPorts.contains(s.localPort());
    }

    /** Every (source, destination, port) with at least one socket, highest share of the pool first. */
    public List<DestinationPressure> pressure() {
        return pressure;
    }

    /** The use from {@code source} to {@code destination:port}; empty when no socket goes there. */
    public Optional<DestinationPressure> of(IpAddress source, IpAddress destination, int port) {
        return Optional.ofNullable(byKey.get(new Key(source, destination, port)));
    }

    /** The use towards {@code destination:port} from every source address, highest first. */
    public List<DestinationPressure> towards(IpAddress destination, int port) {
        return pressure.stream().filter(p -> p.port() == port && p.destination().equals(destination)).toList();
    }
}
