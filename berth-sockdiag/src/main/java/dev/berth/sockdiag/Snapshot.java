package dev.berth.sockdiag;

import dev.berth.sockdiag.inetdiag.SocketDetails;
import dev.berth.sockdiag.procfs.Counters;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketOwners;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Everything the reports need, read at one moment from one network namespace.
 *
 * @param at when it was read
 * @param pid the process whose network namespace was read ({@code --pid}), or {@code null} for the reader's own
 * @param namespace the network namespace read ({@code net:[4026531840]}), or {@code null} when unknown
 * @param tcp every row of {@code tcp} and {@code tcp6}
 * @param udp every row of {@code udp} and {@code udp6}
 * @param counters {@code netstat} and {@code snmp} together
 * @param kernel the sysctls (always of the reader's namespace)
 * @param owners processes holding the sockets that were looked up
 * @param details IPV6_V6ONLY and backlogs of listeners, when the kernel could be asked
 * @param fds descriptor use and limits
 * @param problems every line or value that could not be read, each naming where it was
 */
public record Snapshot(
        Instant at,
        Long pid,
        String namespace,
        List<SocketEntry> tcp,
        List<SocketEntry> udp,
        Counters counters,
        KernelSettings kernel,
        SocketOwners owners,
        SocketDetails details,
        FdLimits fds,
        List<String> problems) {

    public Snapshot {
        tcp = List.copyOf(tcp);
        udp = List.copyOf(udp);
        problems = List.copyOf(problems);
    }

    /**
     * The same snapshot with only the sockets {@code keep} accepts (a report scoped to some
     * destinations); counters, settings and descriptors stay those of the whole namespace.
     */
    public Snapshot filtered(Predicate<SocketEntry> keep) {
        return new Snapshot(at, pid, namespace, tcp.stream().filter(keep).toList(), udp.stream().filter(keep).toList(),
                counters, kernel, owners, details, fds, problems);
    }

    /** The same snapshot with these descriptor figures (a process reporting on itself). */
    public Snapshot withFds(FdLimits fds) {
        return new Snapshot(at, pid, namespace, tcp, udp, counters, kernel, owners, details, fds, problems);
    }
}
