package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.TcpState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code berth diag sockets}: the state of a network namespace's sockets and what stands out.
 *
 * @param at when the snapshot was read
 * @param interval the watch interval the rates are over, {@code null} for a single snapshot
 * @param pid the process whose namespace was read, or {@code null}
 * @param namespace the network namespace, or {@code null} when unknown
 * @param tcpStates TCP sockets by state (every state, zeros included, in kernel order)
 * @param tcpTotal all TCP sockets
 * @param udpUnconnected UDP sockets receiving from anyone
 * @param udpConnected connected UDP sockets
 * @param pool the ephemeral ports {@code connect()} can use
 * @param pressure destinations by share of the pool used, highest first (at most 10, plus any at warning or above)
 * @param topTimeWait endpoints with the most TIME_WAIT (at most 5)
 * @param topEstablished endpoints with the most ESTABLISHED (at most 5)
 * @param timeWait TIME_WAIT summary
 * @param churn TIME_WAIT creation per destination over the interval (empty without {@code --watch}), highest first
 * @param settings the kernel settings that matter, each with its meaning
 * @param counters the trouble counters, each with its meaning
 * @param fds descriptor use and limits
 * @param findings what stands out, most urgent first, each with advice
 * @param notes what could not be seen and why
 * @param problems lines of procfs that could not be read
 */
public record SocketsReport(
        Instant at,
        Duration interval,
        Long pid,
        String namespace,
        Map<TcpState, Integer> tcpStates,
        int tcpTotal,
        int udpUnconnected,
        int udpConnected,
        EphemeralPool pool,
        List<DestinationPressure> pressure,
        List<PeerCount> topTimeWait,
        List<PeerCount> topEstablished,
        TimeWaitSummary timeWait,
        List<ChurnRate> churn,
        List<SettingCheck> settings,
        List<CounterCheck> counters,
        FdLimits fds,
        List<Finding> findings,
        List<String> notes,
        List<String> problems) {

    /** The same report with {@code note} added first among the notes (what the report covers, when it is scoped). */
    public SocketsReport withNoteFirst(String note) {
        List<String> all = new ArrayList<>();
        all.add(note);
        all.addAll(notes);
        return new SocketsReport(at, interval, pid, namespace, tcpStates, tcpTotal, udpUnconnected, udpConnected, pool,
                pressure, topTimeWait, topEstablished, timeWait, churn, settings, counters, fds, findings, all, problems);
    }

    /** The most urgent level among the findings, or {@code null} when there are none. */
    public Level worst() {
        return findings.stream().map(Finding::level).min(Enum::compareTo).orElse(null);
    }
}
