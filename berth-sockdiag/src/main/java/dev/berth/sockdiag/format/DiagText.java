package dev.berth.sockdiag.format;

import dev.berth.sockdiag.BindOutcome;
import dev.berth.sockdiag.ChurnRate;
import dev.berth.sockdiag.CounterCheck;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.EphemeralPool;
import dev.berth.sockdiag.Finding;
import dev.berth.sockdiag.Listener;
import dev.berth.sockdiag.ListenersReport;
import dev.berth.sockdiag.PeerCount;
import dev.berth.sockdiag.PortReport;
import dev.berth.sockdiag.SettingCheck;
import dev.berth.sockdiag.Severity;
import dev.berth.sockdiag.SocketsReport;
import dev.berth.sockdiag.TimeWaitSummary;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.ProcessFds;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The human reports of {@code berth diag}: a heading per section, one finding per line with its
 * advice on the line below, numbers with thousands separators.
 */
public final class DiagText {

    private DiagText() {}

    /** {@code berth diag sockets}. */
    public static List<String> sockets(SocketsReport r) {
        List<String> lines = new ArrayList<>();
        lines.add("berth diag sockets: " + scope(r.pid(), r.namespace()) + ", " + r.at()
                + (r.interval() == null ? "" : ", rates over " + seconds(r.interval().toMillis()) + " s"));
        String states = r.tcpStates().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> count(e.getValue()) + " " + e.getKey()).collect(Collectors.joining(", "));
        lines.add("  TCP  " + count(r.tcpTotal()) + " sockets" + (states.isEmpty() ? "" : ": " + states));
        lines.add("  UDP  " + count(r.udpUnconnected()) + " unconnected, " + count(r.udpConnected()) + " connected");

        lines.add("");
        lines.add("Findings");
        if (r.findings().isEmpty()) {
            lines.add("  none: nothing stands out");
        }
        for (Finding f : r.findings()) {
            lines.add(String.format(Locale.ROOT, "  %-8s %s: %s", f.level().name(), f.code(), f.message()));
            lines.add("           advice: " + f.advice());
        }

        EphemeralPool pool = r.pool();
        lines.add("");
        lines.add("Ephemeral ports");
        lines.add("  range " + pool.range() + (pool.rangeKnown() ? "" : " (assumed)") + " = " + count(pool.range().size())
                + " ports, " + count(pool.reservedInRange()) + " reserved, " + count(pool.boundInRange())
                + " held by listeners: " + count(pool.usable()) + " usable per (source, destination, port)");
        if (r.pressure().isEmpty()) {
            lines.add("  no outgoing connections use ephemeral ports");
        } else {
            lines.add(String.format(Locale.ROOT, "  %-52s %8s %6s  %s", "source -> destination", "sockets", "used", "states"));
            for (DestinationPressure p : r.pressure()) {
                lines.add(String.format(Locale.ROOT, "  %-52s %8s %5s%%  %s", p.describe(), count(p.sockets()),
                        (long) Math.floor(p.percent()), p.states().entrySet().stream()
                                .map(e -> count(e.getValue()) + " " + e.getKey()).collect(Collectors.joining(", "))));
            }
        }

        peers(lines, "Most TIME_WAIT", r.topTimeWait());
        peers(lines, "Most ESTABLISHED", r.topEstablished());

        TimeWaitSummary tw = r.timeWait();
        lines.add("");
        lines.add("TIME_WAIT (lasts 60 s on the side that closed first)");
        lines.add("  " + count(tw.total()) + " now: " + count(tw.outbound()) + " outbound (this host closed first; each"
                + " holds an ephemeral port), " + count(tw.inbound()) + " inbound (this server closed first; no"
                + " ephemeral port used)" + (tw.averageRemainingSeconds() == null ? ""
                : "; " + tw.averageRemainingSeconds() + " s left on average"));
        if (tw.created() != null) {
            lines.add("  TcpExtTW: " + count(tw.created()) + " created since boot"
                    + (tw.createdPerSecond() == null ? "" : "; " + tw.createdPerSecond() + "/s over the interval"));
        }
        for (ChurnRate c : r.churn()) {
            lines.add(String.format(Locale.ROOT, "  %s/s new TIME_WAIT %s: needs %s of %s tuples (%d%%)",
                    c.perSecond(), c.describe(), count(c.tuplesNeeded()), count(c.usable()), (long) Math.floor(c.percent())));
        }

        lines.add("");
        lines.add("Kernel settings");
        for (SettingCheck s : r.settings()) {
            lines.add(String.format(Locale.ROOT, "  %-34s %-14s %s", s.name(), s.value() == null ? "(unknown)" : s.value().isEmpty() ? "(none)" : s.value(),
                    s.meaning()));
            if (s.advice() != null) {
                lines.add(String.format(Locale.ROOT, "  %-34s %-14s %s: %s", "", "", s.level().name(), s.advice()));
            }
        }

        lines.add("");
        lines.add("Counters (since boot" + (r.interval() == null ? "" : "; +growth over the interval") + ")");
        for (CounterCheck c : r.counters()) {
            lines.add(String.format(Locale.ROOT, "  %-26s %14s %-8s %s%s", c.name(), count(c.value()),
                    c.delta() == null ? "" : "+" + count(c.delta()),
                    c.level() == dev.berth.sockdiag.Level.INFO ? "" : c.level().name() + ": ", c.meaning()));
        }

        fds(lines, r.fds());
        notes(lines, r.notes(), r.problems());
        return lines;
    }

    /** {@code berth diag listeners}. */
    public static List<String> listeners(ListenersReport r) {
        List<String> lines = new ArrayList<>();
        lines.add("berth diag listeners: " + scope(r.pid(), r.namespace()));
        lines.add(String.format(Locale.ROOT, "  %-8s %-5s %-40s %-20s %s", "SEVERITY", "PROTO", "ADDRESS", "BIND",
                "PROCESS"));
        for (Listener l : r.listeners()) {
            lines.add(String.format(Locale.ROOT, "  %-8s %-5s %-40s %-20s %s", l.severity().name(),
                    l.socket().transport().label(), l.socket().local(), l.bindClass().label(), processes(l.processes())));
            if (l.severity() != Severity.INFO) {
                lines.add("           " + l.message());
            }
            if (l.advice() != null) {
                lines.add("           advice: " + l.advice());
            }
        }
        Map<Severity, Integer> c = r.counts();
        lines.add(count(r.listeners().size()) + " listening sockets: " + c.get(Severity.HIGH) + " high, "
                + c.get(Severity.MEDIUM) + " medium, " + c.get(Severity.LOW) + " low, " + c.get(Severity.INFO) + " info");
        notes(lines, r.notes(), r.problems());
        return lines;
    }

    /** {@code berth diag port}. */
    public static List<String> port(PortReport r) {
        List<String> lines = new ArrayList<>();
        lines.add("port " + r.port() + (r.service() == null ? "" : " (" + r.service().service() + ")"));
        lines.add("  ephemeral range " + r.range() + ": " + (r.inEphemeralRange() ? "inside" : "outside")
                + (r.reserved() ? ", reserved (ip_local_reserved_ports)" : r.inEphemeralRange() ? ", not reserved" : ""));
        lines.add("  privileged: " + (r.privileged() ? "yes" : "no") + " (ip_unprivileged_port_start "
                + r.unprivilegedPortStart() + ")");
        lines.add("");
        lines.add("Listening");
        if (r.listeners().isEmpty()) {
            lines.add("  nothing listens on port " + r.port());
        }
        for (Listener l : r.listeners()) {
            lines.add(String.format(Locale.ROOT, "  %-4s %-40s %-20s %-24s %s", l.socket().transport().label(),
                    l.socket().local(), l.bindClass().label(), processes(l.processes()), l.severity().name()));
        }
        if (!r.localSockets().isEmpty()) {
            lines.add("  other sockets with local port " + r.port() + ": " + states(r.localSockets()));
        }
        if (!r.connectionsTo().isEmpty()) {
            lines.add("  connections to port " + r.port() + ": " + states(r.connectionsTo()));
        }
        lines.add("");
        lines.add("If you bind it");
        for (BindOutcome b : r.binds()) {
            lines.add(String.format(Locale.ROOT, "  %-4s %-16s %-9s %-11s %s", b.transport().label(), b.address(),
                    b.verdict().label(), b.error() == null ? "" : b.error(), b.reason()));
        }
        lines.add("");
        lines.add("Advice");
        for (String a : r.advice()) {
            lines.add("  - " + a);
        }
        notes(lines, r.notes(), r.problems());
        return lines;
    }

    private static void peers(List<String> lines, String title, List<PeerCount> peers) {
        if (peers.isEmpty()) {
            return;
        }
        lines.add("");
        lines.add(title);
        for (PeerCount p : peers) {
            lines.add(String.format(Locale.ROOT, "  %-9s %-44s %8s TIME_WAIT %8s ESTABLISHED %8s total",
                    p.direction().label(), p.describe(), count(p.timeWait()), count(p.established()), count(p.total())));
        }
    }

    private static void fds(List<String> lines, FdLimits fds) {
        lines.add("");
        lines.add("File descriptors");
        if (fds.allocated() != null) {
            lines.add("  system: " + count(fds.allocated()) + " of " + count(fds.max()) + " file handles allocated"
                    + " (fs.file-max)" + (fds.nrOpen() == null ? "" : "; a process may raise its limit to "
                    + count(fds.nrOpen()) + " (fs.nr_open)"));
        }
        for (ProcessFds p : fds.processes()) {
            lines.add("  pid " + p.process() + ": " + count(p.open()) + " open of "
                    + (p.softLimit() == null ? "unlimited" : count(p.softLimit()) + " ("
                    + (long) Math.floor(p.percent()) + "%)") + ", hard limit "
                    + (p.hardLimit() == null ? "unlimited" : count(p.hardLimit())));
        }
    }

    private static void notes(List<String> lines, List<String> notes, List<String> problems) {
        if (!notes.isEmpty()) {
            lines.add("");
            lines.add("Notes");
            notes.forEach(n -> lines.add("  - " + n));
        }
        if (!problems.isEmpty()) {
            lines.add("");
            lines.add("Skipped (could not be read)");
            problems.forEach(p -> lines.add("  - " + p));
        }
    }

    private static String scope(Long pid, String namespace) {
        String ns = namespace == null ? "network namespace unknown" : "network namespace " + namespace;
        return pid == null ? ns : ns + " of pid " + pid;
    }

    private static String processes(List<ProcessRef> refs) {
        return refs.isEmpty() ? "-" : refs.stream().map(ProcessRef::toString).collect(Collectors.joining(","));
    }

    private static String states(Map<TcpState, Integer> states) {
        return states.entrySet().stream().map(e -> count(e.getValue()) + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
