package dev.berth.sockdiag;

import dev.berth.sockdiag.inetdiag.SocketDetails;
import dev.berth.sockdiag.procfs.Counters;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.ParseResult;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketOwners;
import dev.berth.sockdiag.procfs.SocketTable;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads a {@link Snapshot} from a {@link Procfs}.
 *
 * @param proc where to read
 * @param order the byte order of the machine that wrote the tables ({@link ByteOrder#nativeOrder()} for a live system)
 * @param details how to get listener details (the kernel's answer, or unavailable with a reason)
 * @param ownersOf whose owning processes to look up (scanning {@code /proc/PID/fd} costs time)
 * @param fdTop with no target pid, how many processes closest to their descriptor limit to report; 0 to skip
 */
public record SnapshotReader(Procfs proc, ByteOrder order, Supplier<SocketDetails> details,
        Predicate<SocketEntry> ownersOf, int fdTop) {

    /** Owners of listeners and of sockets left in CLOSE_WAIT (the ones whose process matters). */
    public static final Predicate<SocketEntry> LISTENERS_AND_CLOSE_WAIT =
            s -> s.isListening() || s.state() == TcpState.CLOSE_WAIT;

    public Snapshot read(Instant now) throws IOException {
        List<String> problems = new ArrayList<>();
        List<SocketEntry> tcp = table(Transport.TCP, problems);
        List<SocketEntry> udp = table(Transport.UDP, problems);
        Counters counters = Counters.EMPTY;
        for (String file : List.of("snmp", "netstat")) {
            Optional<String> text = proc.net(file);
            if (text.isPresent()) {
                ParseResult<Counters> parsed = Counters.parse(text.get(), file);
                counters = counters.with(parsed.value());
                problems.addAll(parsed.problems());
            }
        }
        ParseResult<KernelSettings> kernel = KernelSettings.read(proc);
        problems.addAll(kernel.problems());
        List<Long> inodes = new ArrayList<>();
        tcp.stream().filter(ownersOf).forEach(s -> inodes.add(s.inode()));
        udp.stream().filter(ownersOf).forEach(s -> inodes.add(s.inode()));
        SocketOwners owners = SocketOwners.scan(proc, inodes);
        FdLimits fds = fdTop > 0 || proc.targetPid().isPresent() ? FdLimits.read(proc, proc.targetPid(), fdTop) : FdLimits.UNKNOWN;
        Long pid = proc.targetPid().isPresent() ? proc.targetPid().getAsLong() : null;
        String namespace = proc.netNamespace(pid == null ? "self" : Long.toString(pid)).orElse(null);
        return new Snapshot(now, pid, namespace, tcp, udp, counters, kernel.value(), owners, details.get(), fds, problems);
    }

    private List<SocketEntry> table(Transport transport, List<String> problems) throws IOException {
        ParseResult<List<SocketEntry>> parsed = SocketTable.read(proc, transport, order);
        problems.addAll(parsed.problems());
        return parsed.value();
    }
}
