package dev.berth.sockdiag;

import dev.berth.ip.IpAddress;
import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.procfs.Counters;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.ProcessFds;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns a {@link Snapshot} (and, with {@code --watch}, the one before it) into a
 * {@link SocketsReport}. Pure: the same snapshots give the same report. The rules, their
 * thresholds and their advice are those of the README's {@code berth diag} section.
 */
public final class SocketsAnalyzer {

    /** How long TIME_WAIT lasts: {@code TCP_TIMEWAIT_LEN}, 60 s, fixed when the kernel is compiled. */
    public static final int TIME_WAIT_SECONDS = 60;

    private static final int TOP = 5;
    private static final int PRESSURE_SHOWN = 10;
    private static final int TIMER_TIME_WAIT = 3;

    static final String ADVICE_TIME_WAIT = "This host closes these connections first, so each one keeps its tuple for 60 s"
            + " in TIME_WAIT. Reuse connections (a pool, keep-alive) instead of opening one per request; with"
            + " tcp_timestamps on, net.ipv4.tcp_tw_reuse=1 lets new outgoing connections take over TIME_WAIT tuples"
            + " after about 1 s; more destination addresses or ports, more source addresses or a wider"
            + " ip_local_port_range multiply the tuples. Shortening tcp_fin_timeout or closing with SO_LINGER 0 is"
            + " not the fix (the first does not touch TIME_WAIT, the second resets connections).";
    static final String ADVICE_ESTABLISHED = "This many connections are open at once to one destination: cap the"
            + " connection pool, send more requests over fewer connections (keep-alive, HTTP/2), or spread them over"
            + " more destination addresses or ports or more source addresses; a wider ip_local_port_range helps.";
    static final String ADVICE_CLOSE_WAIT = "The peer has closed these connections and this application never called"
            + " close(): a descriptor leak. Find the code path that drops a connection without closing it.";
    static final String ADVICE_SYN_SENT = "These connections are stuck connecting: the destination does not answer"
            + " (down, or a firewall drops the SYNs). Bound connect timeouts and back off retries.";
    static final String ADVICE_OTHER = "Reuse connections rather than opening new ones, spread them over more"
            + " destination or source addresses, or widen ip_local_port_range.";

    private SocketsAnalyzer() {}

    /** The report of one snapshot. */
    public static SocketsReport analyze(Snapshot now) {
        return analyze(now, null);
    }

    /** The report of {@code now}, with rates over the time since {@code before} when it is not {@code null}. */
    public static SocketsReport analyze(Snapshot now, Snapshot before) {
        return new Run(now, before).report();
    }

    private record Key(IpAddress source, IpAddress destination, int port) {}

    private record Endpoint(Direction direction, IpAddress address, int port) {}

    private static final class Run {
        final Snapshot now;
        final Snapshot before;
        final Duration interval;
        final KernelSettings kernel;
        final PortRange range;
        final PortSet reserved;
        final EphemeralUse use;
        final Set<Integer> listenerPorts = new HashSet<>();
        final List<Finding> findings = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Run(Snapshot now, Snapshot before) {
            this.now = now;
            this.before = before;
            this.interval = before == null ? null : Duration.between(before.at(), now.at());
            this.kernel = now.kernel();
            this.range = kernel.portRangeOrDefault();
            this.reserved = kernel.reservedPortsOrNone();
            this.use = EphemeralUse.of(now.tcp(), kernel);
            for (SocketEntry s : now.tcp()) {
                if (s.state() == TcpState.LISTEN) {
                    listenerPorts.add(s.localPort());
                }
            }
        }

        double seconds() {
            return interval == null ? 0 : Math.max(0.001, interval.toMillis() / 1000.0);
        }

        SocketsReport report() {
            Map<TcpState, Integer> states = new EnumMap<>(TcpState.class);
            for (TcpState st : TcpState.values()) {
                states.put(st, 0);
            }
            now.tcp().forEach(s -> states.merge(s.state(), 1, Integer::sum));
            int udpUnconnected = (int) now.udp().stream().filter(SocketEntry::isListening).count();

            EphemeralPool pool = use.pool();
            List<DestinationPressure> allPressure = use.pressure();
            List<DestinationPressure> pressure = new ArrayList<>();
            for (int i = 0; i < allPressure.size(); i++) {
                DestinationPressure p = allPressure.get(i);
                if (i < PRESSURE_SHOWN || p.level() != Level.INFO) {
                    pressure.add(p);
                }
                if (p.level() != Level.INFO) {
                    findings.add(pressureFinding(p));
                }
            }
            bindBeforeConnect(pool);
            List<PeerCount> peers = peers();
            List<PeerCount> topTimeWait = peers.stream().filter(p -> p.timeWait() > 0)
                    .sorted(Comparator.comparingInt(PeerCount::timeWait).reversed().thenComparing(PeerCount::describe))
                    .limit(TOP).toList();
            List<PeerCount> topEstablished = peers.stream().filter(p -> p.established() > 0)
                    .sorted(Comparator.comparingInt(PeerCount::established).reversed().thenComparing(PeerCount::describe))
                    .limit(TOP).toList();
            TimeWaitSummary timeWait = timeWait();
            List<ChurnRate> churn = churn(pool);
            listenQueues();
            closeWait();
            orphanedFinWait2();
            listenersInRange();
            List<SettingCheck> settings = settings(pool, allPressure, churn, timeWait);
            List<CounterCheck> counters = counters();
            fds();
            if (!now.details().isAvailable()) {
                notes.add("listen backlogs unknown: " + now.details().unavailable());
            }
            if (now.owners().uninspectable() > 0) {
                notes.add(now.owners().uninspectable() + " processes could not be inspected (run as root to see"
                        + " which process holds every socket)");
            }
            if (now.pid() != null) {
                notes.add("sockets and counters are those of pid " + now.pid() + "'s network namespace; kernel settings"
                        + " are read from this process's namespace, which may differ (nsenter -t " + now.pid()
                        + " -n berth diag sockets reads them from inside)");
            }
            if (!pool.rangeKnown()) {
                notes.add(KernelSettings.PORT_RANGE + " could not be read; the kernel default " + PortRange.KERNEL_DEFAULT
                        + " was assumed");
            }
            findings.sort(Comparator.comparing(Finding::level).thenComparing(Finding::code));
            return new SocketsReport(now.at(), interval, now.pid(), now.namespace(), states, now.tcp().size(),
                    udpUnconnected, now.udp().size() - udpUnconnected, pool, pressure, topTimeWait, topEstablished,
                    timeWait, churn, settings, counters, now.fds(), findings, notes, now.problems());
        }

        Finding pressureFinding(DestinationPressure p) {
            String message = p.describe() + " uses " + Numbers.count(p.sockets()) + " of " + Numbers.count(p.usable())
                    + " usable ephemeral ports (" + Numbers.percent(p.percent()) + "): " + describeStates(p.states(), p.sockets());
            if (p.level() == Level.CRITICAL) {
                message += "; when none is left, connect() from " + p.source().toCanonicalString() + " to "
                        + SocketEntry.hostPort(p.destination(), p.port()) + " fails with EADDRNOTAVAIL (\"Cannot assign"
                        + " requested address\"), while other destinations are unaffected";
            }
            String advice = switch (p.dominantState()) {
                case TIME_WAIT -> ADVICE_TIME_WAIT;
                case ESTABLISHED -> ADVICE_ESTABLISHED;
                case CLOSE_WAIT -> ADVICE_CLOSE_WAIT;
                case SYN_SENT -> ADVICE_SYN_SENT;
                default -> ADVICE_OTHER;
            };
            return new Finding(p.level(), "port_pressure", message, advice);
        }

        /**
         * Bind-before-connect: a port chosen by {@code bind(ip, 0)} is held for every destination,
         * so such sockets never share a local port; connect()-chosen ports are shared between
         * destinations once the pool gets busy. Flagged when a source address holds most of the
         * usable pool across several destinations without any port being shared.
         */
        void bindBeforeConnect(EphemeralPool pool) {
            Map<IpAddress, List<SocketEntry>> bySource = new TreeMap<>();
            for (SocketEntry s : now.tcp()) {
                if (use.isOutbound(s)) {
                    bySource.computeIfAbsent(s.localAddress(), k -> new ArrayList<>()).add(s);
                }
            }
            bySource.forEach((source, sockets) -> {
                Set<Integer> ports = new HashSet<>();
                Set<String> destinations = new HashSet<>();
                boolean shared = false;
                for (SocketEntry s : sockets) {
                    shared |= !ports.add(s.localPort());
                    destinations.add(s.remote());
                }
                double percent = Numbers.share(ports.size(), pool.usable());
                Level level = Level.ofPercent(percent);
                if (destinations.size() >= 2 && !shared && level != Level.INFO) {
                    findings.add(new Finding(level, "bind_before_connect", source.toCanonicalString() + " holds "
                            + Numbers.count(ports.size()) + " of " + Numbers.count(pool.usable()) + " usable ephemeral ports ("
                            + Numbers.percent(percent) + ") across " + destinations.size()
                            + " destinations and no port serves two destinations: this looks like bind-before-connect"
                            + " (bind(" + source.toCanonicalString() + ", 0) then connect()), which reserves each port for"
                            + " every destination, so the pool runs out for all of them at once and bind() fails with"
                            + " EADDRINUSE (\"Address already in use\")",
                            "If the application binds a source address before connecting (to pin the source IP, as"
                            + " sidecars and original-source proxies do), set IP_BIND_ADDRESS_NO_PORT on the socket before"
                            + " bind() (Linux 4.2+; Netty: EpollChannelOption.IP_BIND_ADDRESS_NO_PORT): the port is then"
                            + " chosen at connect() time and shared between destinations. Better still, do not bind"
                            + " before connect at all. If it does not bind, these are simply many connections: see the"
                            + " per-destination pressure."));
                }
            });
        }

        List<PeerCount> peers() {
            Map<Endpoint, int[]> counts = new HashMap<>();
            for (SocketEntry s : now.tcp()) {
                if (s.state() == TcpState.LISTEN || s.remotePort() == 0) {
                    continue;
                }
                Endpoint e = listenerPorts.contains(s.localPort())
                        ? new Endpoint(Direction.INBOUND, s.localAddress(), s.localPort())
                        : new Endpoint(Direction.OUTBOUND, s.remoteAddress(), s.remotePort());
                int[] c = counts.computeIfAbsent(e, k -> new int[3]);
                c[0] += s.state() == TcpState.TIME_WAIT ? 1 : 0;
                c[1] += s.state() == TcpState.ESTABLISHED ? 1 : 0;
                c[2]++;
            }
            List<PeerCount> out = new ArrayList<>();
            counts.forEach((e, c) -> out.add(new PeerCount(e.direction(), e.address(), e.port(), c[0], c[1], c[2])));
            return out;
        }

        TimeWaitSummary timeWait() {
            int total = 0;
            int outbound = 0;
            long ticks = 0;
            int timed = 0;
            for (SocketEntry s : now.tcp()) {
                if (s.state() != TcpState.TIME_WAIT) {
                    continue;
                }
                total++;
                if (!listenerPorts.contains(s.localPort())) {
                    outbound++;
                }
                if (s.timer() == TIMER_TIME_WAIT) {
                    ticks += s.timerTicks();
                    timed++;
                }
            }
            Double remaining = timed == 0 ? null : Math.round(10.0 * ticks / timed / SocketEntry.TICKS_PER_SECOND) / 10.0;
            Long created = now.counters().get("TcpExtTW").isPresent() ? now.counters().value("TcpExtTW") : null;
            Double perSecond = null;
            if (before != null && now.counters().delta(before.counters(), "TcpExtTW").isPresent()) {
                perSecond = Math.round(10.0 * now.counters().delta(before.counters(), "TcpExtTW").getAsLong() / seconds()) / 10.0;
            }
            Integer buckets = kernel.tcpMaxTwBuckets();
            if (buckets != null && buckets > 0) {
                double percent = Numbers.share(total, buckets);
                Level level = Level.ofPercent(percent);
                if (level != Level.INFO) {
                    findings.add(new Finding(level, "time_wait_buckets", Numbers.count(total) + " TIME_WAIT sockets use "
                            + Numbers.percent(percent) + " of net.ipv4.tcp_max_tw_buckets (" + Numbers.count(buckets)
                            + "); beyond it the kernel destroys new TIME_WAIT sockets at once (TcpExtTCPTimeWaitOverflow)",
                            "Do not lower tcp_max_tw_buckets (the kernel documentation: \"you must not lower the limit"
                            + " artificially\"); raise it and cut the churn: reuse connections."));
                }
            }
            return new TimeWaitSummary(total, outbound, total - outbound, remaining, created, perSecond, buckets);
        }

        List<ChurnRate> churn(EphemeralPool pool) {
            if (before == null) {
                return List.of();
            }
            Set<String> old = new HashSet<>();
            for (SocketEntry s : before.tcp()) {
                if (s.state() == TcpState.TIME_WAIT) {
                    old.add(s.local() + " " + s.remote());
                }
            }
            Map<Key, Integer> fresh = new HashMap<>();
            for (SocketEntry s : now.tcp()) {
                if (s.state() == TcpState.TIME_WAIT && use.isOutbound(s) && !old.contains(s.local() + " " + s.remote())) {
                    fresh.merge(new Key(s.localAddress(), s.remoteAddress(), s.remotePort()), 1, Integer::sum);
                }
            }
            List<ChurnRate> out = new ArrayList<>();
            fresh.forEach((k, n) -> {
                double perSecond = n / seconds();
                long tuples = (long) Math.ceil(perSecond * TIME_WAIT_SECONDS - 1e-9);
                double percent = Numbers.share(tuples, pool.usable());
                out.add(new ChurnRate(k.source(), k.destination(), k.port(), n, Math.round(perSecond * 10) / 10.0, tuples,
                        pool.usable(), percent, Level.ofPercent(percent)));
            });
            out.sort(Comparator.comparingDouble(ChurnRate::perSecond).reversed().thenComparing(ChurnRate::describe));
            for (ChurnRate c : out) {
                if (c.level() != Level.INFO) {
                    findings.add(new Finding(c.level(), "time_wait_churn", Numbers.rate(c.perSecond())
                            + " new connections/s to " + SocketEntry.hostPort(c.destination(), c.port()) + " (from "
                            + c.source().toCanonicalString() + ") each leave a TIME_WAIT for " + TIME_WAIT_SECONDS
                            + " s: that needs " + Numbers.count(c.tuplesNeeded()) + " tuples of " + Numbers.count(c.usable())
                            + " usable (" + Numbers.percent(c.percent()) + ")", ADVICE_TIME_WAIT));
                }
            }
            return out;
        }

        void listenQueues() {
            long overflows = now.counters().value("TcpExtListenOverflows");
            Long overflowDelta = delta("TcpExtListenOverflows");
            boolean named = false;
            Integer somaxconn = kernel.somaxconn();
            for (SocketEntry s : now.tcp()) {
                if (s.state() != TcpState.LISTEN) {
                    continue;
                }
                SocketDetail d = now.details().of(s.inode()).orElse(null);
                long queue = d != null ? d.queue() : s.rxQueue();
                String who = "listener " + s.local() + owners(s.inode());
                String counter = overflowDelta != null ? "TcpExtListenOverflows grew by " + overflowDelta + " in "
                        + Numbers.rate(seconds()) + " s" : "TcpExtListenOverflows = " + Numbers.count(overflows) + " since boot";
                String advice = "The application does not accept() as fast as connections arrive, or its backlog is too"
                        + " small: accept faster (no blocking work on the accept loop, more acceptors) and raise the"
                        + " listen() backlog" + (somaxconn != null ? " (capped by net.core.somaxconn = " + somaxconn
                        + (d != null && d.backlog() >= somaxconn ? ", which this listener has reached: raise it too" : "")
                        + ")" : "") + ". With net.ipv4.tcp_abort_on_overflow=0 clients retry their SYN and see delays;"
                        + " with 1 they get a reset.";
                if (d != null && queue > d.backlog()) {
                    named = true;
                    findings.add(new Finding(Level.CRITICAL, "listen_queue_full", who + ": accept queue full, "
                            + queue + " connection" + (queue == 1 ? "" : "s") + " waiting with backlog " + d.backlog()
                            + ": new SYNs are dropped (" + counter + ")", advice));
                } else if (d != null && d.backlog() > 0 && queue > 0 && queue * 10 >= d.backlog() * 7L) {
                    named = true;
                    findings.add(new Finding(Level.WARNING, "listen_queue_filling", who + ": accept queue "
                            + Numbers.percent(Numbers.share(queue, d.backlog())) + " full (" + queue + " waiting, backlog "
                            + d.backlog() + ")", advice));
                } else if (d == null && queue > 0 && (overflows > 0 || (overflowDelta != null && overflowDelta > 0))) {
                    named = true;
                    findings.add(new Finding(Level.WARNING, "listen_queue", who + ": " + queue + " connection"
                            + (queue == 1 ? "" : "s") + " waiting to be accepted (backlog unknown) and " + counter, advice));
                }
            }
            if (!named && overflowDelta != null && overflowDelta > 0) {
                findings.add(new Finding(Level.WARNING, "listen_overflows", overflowDelta + " SYNs were dropped on full"
                        + " accept queues in the last " + Numbers.rate(seconds()) + " s (TcpExtListenOverflows); no queue"
                        + " is full at this instant", "Watch longer to catch the listener; a listener whose application"
                        + " stalls now and then fills its queue in bursts. Raise its backlog and accept faster."));
            } else if (!named && overflowDelta == null && overflows > 0) {
                findings.add(new Finding(Level.INFO, "listen_overflows", "TcpExtListenOverflows = " + Numbers.count(overflows)
                        + " since boot: some accept queue overflowed at some time; none is full now",
                        "Run with --watch to see whether it still grows, and which listener's queue fills."));
            }
        }

        void closeWait() {
            Map<String, Integer> byLocal = new TreeMap<>();
            Map<String, String> holders = new HashMap<>();
            int total = 0;
            for (SocketEntry s : now.tcp()) {
                if (s.state() == TcpState.CLOSE_WAIT) {
                    total++;
                    byLocal.merge(s.local(), 1, Integer::sum);
                    holders.putIfAbsent(s.local(), owners(s.inode()));
                }
            }
            if (total == 0) {
                return;
            }
            String where = byLocal.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(3).map(e -> e.getValue() + " on " + e.getKey() + holders.get(e.getKey()))
                    .collect(Collectors.joining(", "));
            findings.add(new Finding(total >= 100 ? Level.WARNING : Level.INFO, "close_wait", Numbers.count(total)
                    + " connection" + (total == 1 ? "" : "s") + " in CLOSE_WAIT (" + where + "): the peer closed, this"
                    + " side has not", ADVICE_CLOSE_WAIT + " Left alone they end in EMFILE (\"Too many open files\")."));
        }

        void orphanedFinWait2() {
            long n = now.tcp().stream().filter(s -> s.state() == TcpState.FIN_WAIT2 && s.inode() == 0).count();
            if (n > 0) {
                Integer finTimeout = kernel.tcpFinTimeout();
                findings.add(new Finding(Level.INFO, "orphaned_fin_wait2", Numbers.count(n) + " orphaned FIN_WAIT2 socket"
                        + (n == 1 ? "" : "s") + ": closed here, still waiting for the peer's FIN; the kernel drops them after"
                        + " net.ipv4.tcp_fin_timeout (" + (finTimeout != null ? finTimeout : 60) + " s)",
                        "Harmless in small numbers; many mean peers that never close their side (a CLOSE_WAIT leak over"
                        + " there). tcp_fin_timeout bounds them; it does not shorten TIME_WAIT."));
            }
        }

        void listenersInRange() {
            List<String> inRange = now.tcp().stream()
                    .filter(s -> s.state() == TcpState.LISTEN && range.contains(s.localPort()) && !reserved.contains(s.localPort()))
                    .map(SocketEntry::local).distinct().sorted().toList();
            if (!inRange.isEmpty()) {
                findings.add(new Finding(Level.INFO, "listener_in_ephemeral_range", inRange.size() + " listener"
                        + (inRange.size() == 1 ? "" : "s") + " inside the ephemeral range " + range + " and not reserved: "
                        + String.join(", ", inRange.subList(0, Math.min(5, inRange.size())))
                        + (inRange.size() > 5 ? ", ..." : "") + "; each takes a port from every destination's pool, and"
                        + " while one is down a connect() may take its port, so it cannot bind again (EADDRINUSE)",
                        "Move fixed listening ports below " + range.low() + ", or add them to"
                        + " net.ipv4.ip_local_reserved_ports. Listeners on port 0 (random ports) are fine."));
            }
        }

        List<SettingCheck> settings(EphemeralPool pool, List<DestinationPressure> pressure, List<ChurnRate> churn,
                TimeWaitSummary tw) {
            List<SettingCheck> out = new ArrayList<>();
            boolean twPressure = pressure.stream().anyMatch(p -> p.level() != Level.INFO && p.dominantState() == TcpState.TIME_WAIT)
                    || churn.stream().anyMatch(c -> c.level() != Level.INFO);
            boolean twPressureBeyondLoopback = pressure.stream().anyMatch(p -> p.level() != Level.INFO
                    && p.dominantState() == TcpState.TIME_WAIT && !p.destination().classes().contains(dev.berth.ip.AddressClass.LOOPBACK))
                    || churn.stream().anyMatch(c -> c.level() != Level.INFO
                    && !c.destination().classes().contains(dev.berth.ip.AddressClass.LOOPBACK));

            PortRange r = kernel.portRange();
            Level rangeLevel = r != null && r.size() < 16384 ? Level.WARNING : Level.INFO;
            out.add(new SettingCheck(KernelSettings.PORT_RANGE, r == null ? null : r.low() + " " + r.high(),
                    "the ephemeral ports connect() and bind(port 0) pick from: " + (r == null ? "unknown" : Numbers.count(r.size())
                    + " ports") + "; " + Numbers.count(pool.usable()) + " usable per destination after "
                    + pool.reservedInRange() + " reserved and " + pool.boundInRange() + " held by listeners",
                    rangeLevel, rangeLevel == Level.INFO ? null : "A narrow range: widen it (e.g. 10240 65535, keeping"
                    + " listening ports outside or reserved) if this host makes many outgoing connections."));
            PortSet reservedPorts = kernel.reservedPorts();
            out.add(new SettingCheck(KernelSettings.RESERVED_PORTS, reservedPorts == null ? null : reservedPorts.toString(),
                    "ports never handed out automatically (explicit binds still work): where fixed listening ports inside"
                    + " the range belong", Level.INFO, null));

            Integer reuse = kernel.tcpTwReuse();
            String reuseMeaning = "whether a new outgoing connection may take over a TIME_WAIT tuple when timestamps show"
                    + " it is safe: 0 never, 1 for every destination, 2 only for loopback (the default on current kernels);"
                    + " it never helps incoming connections";
            Level reuseLevel = Level.INFO;
            String reuseAdvice = null;
            if (reuse != null && reuse != 1 && (reuse == 0 ? twPressure : twPressureBeyondLoopback)) {
                reuseLevel = Level.WARNING;
                reuseAdvice = "Outgoing connections fill destinations with TIME_WAIT: set net.ipv4.tcp_tw_reuse=1 (safe"
                        + " for outgoing connections with timestamps on), and reuse connections.";
                findings.add(new Finding(Level.WARNING, "tw_reuse", "net.ipv4.tcp_tw_reuse = " + reuse + " ("
                        + (reuse == 0 ? "off" : "loopback only") + ") while outgoing TIME_WAIT fills a destination's ports",
                        reuseAdvice));
            }
            out.add(new SettingCheck(KernelSettings.TCP_TW_REUSE, str(reuse), reuseMeaning, reuseLevel, reuseAdvice));

            Integer ts = kernel.tcpTimestamps();
            Level tsLevel = ts != null && ts == 0 ? Level.WARNING : Level.INFO;
            String tsAdvice = tsLevel == Level.INFO ? null : "Turn timestamps back on (net.ipv4.tcp_timestamps=1):"
                    + " without them tcp_tw_reuse can never reuse a TIME_WAIT tuple and PAWS cannot reject old segments.";
            if (tsAdvice != null) {
                findings.add(new Finding(Level.WARNING, "timestamps_off", "net.ipv4.tcp_timestamps = 0: TIME_WAIT"
                        + " tuples can never be reused", tsAdvice));
            }
            out.add(new SettingCheck(KernelSettings.TCP_TIMESTAMPS, str(ts), "RFC 7323 timestamps: 1 on with a random"
                    + " offset per connection, 2 on without, 0 off; TIME_WAIT reuse needs them on both sides", tsLevel,
                    tsAdvice));

            Integer fin = kernel.tcpFinTimeout();
            String finAdvice = null;
            if (fin != null && fin != 60) {
                finAdvice = "Changed from the default 60. If that was meant to shorten TIME_WAIT, it does not: TIME_WAIT"
                        + " is fixed at 60 s. Reuse connections or set tcp_tw_reuse instead.";
                findings.add(new Finding(Level.INFO, "fin_timeout_changed", "net.ipv4.tcp_fin_timeout = " + fin
                        + ": it bounds orphaned FIN_WAIT2 sockets only; TIME_WAIT still lasts 60 s", finAdvice));
            }
            out.add(new SettingCheck(KernelSettings.TCP_FIN_TIMEOUT, str(fin), "seconds an orphaned FIN_WAIT2 socket"
                    + " (closed here, peer has not closed) waits before it is dropped; it does not shorten TIME_WAIT,"
                    + " which is always 60 s", Level.INFO, finAdvice));

            Integer buckets = kernel.tcpMaxTwBuckets();
            long overflow = now.counters().value("TcpExtTCPTimeWaitOverflow");
            Long overflowDelta = delta("TcpExtTCPTimeWaitOverflow");
            Level bucketLevel = Level.INFO;
            String bucketAdvice = null;
            if (overflow > 0 || (buckets != null && buckets < 4096)) {
                bucketLevel = Level.WARNING;
                bucketAdvice = "Do not lower tcp_max_tw_buckets: sockets over it close without TIME_WAIT's protection"
                        + " (\"you must not lower the limit artificially\"). Raise it and cut the churn.";
            }
            if (overflow > 0) {
                boolean now2 = overflowDelta != null && overflowDelta > 0;
                findings.add(new Finding(now2 ? Level.CRITICAL : Level.WARNING, "time_wait_overflow",
                        (now2 ? overflowDelta + " TIME_WAIT sockets were not created in the last " + Numbers.rate(seconds()) + " s"
                        : "TcpExtTCPTimeWaitOverflow = " + Numbers.count(overflow) + ": TIME_WAIT sockets were not created")
                        + " because net.ipv4.tcp_max_tw_buckets (" + (buckets == null ? "?" : Numbers.count(buckets))
                        + ") was reached; those connections lost TIME_WAIT's protection against old duplicate segments",
                        bucketAdvice));
            } else if (buckets != null && buckets < 4096) {
                findings.add(new Finding(Level.WARNING, "time_wait_buckets_low", "net.ipv4.tcp_max_tw_buckets = " + buckets
                        + ", far below what the kernel sizes by memory: was it lowered?", bucketAdvice));
            }
            out.add(new SettingCheck(KernelSettings.TCP_MAX_TW_BUCKETS, str(buckets), "the most TIME_WAIT sockets at once;"
                    + " beyond it new ones are destroyed at once (TcpExtTCPTimeWaitOverflow); " + Numbers.count(tw.total())
                    + " now", bucketLevel, bucketAdvice));

            Integer somax = kernel.somaxconn();
            out.add(new SettingCheck(KernelSettings.SOMAXCONN, str(somax), "the cap on every listen() backlog (4096 since"
                    + " Linux 5.4, 128 before)", somax != null && somax < 1024 ? Level.WARNING : Level.INFO,
                    somax != null && somax < 1024 ? "Busy servers need longer accept queues: raise it (4096) so their"
                    + " listen() backlog is not cut short." : null));
            Integer syn = kernel.tcpMaxSynBacklog();
            out.add(new SettingCheck(KernelSettings.TCP_MAX_SYN_BACKLOG, str(syn), "half-open (SYN_RECV) connections per"
                    + " listener before SYN cookies or drops", Level.INFO, null));
            Integer abort = kernel.tcpAbortOnOverflow();
            out.add(new SettingCheck(KernelSettings.TCP_ABORT_ON_OVERFLOW, str(abort), "on a full accept queue: 0 drop the"
                    + " handshake's last ACK so the client retries (delay), 1 reset it (error)", Level.INFO, null));
            Integer cookies = kernel.tcpSyncookies();
            out.add(new SettingCheck(KernelSettings.TCP_SYNCOOKIES, str(cookies), "SYN cookies when a SYN queue overflows"
                    + " (1: only then)", cookies != null && cookies == 0 ? Level.WARNING : Level.INFO,
                    cookies != null && cookies == 0 ? "Turn SYN cookies on (1): without them a SYN flood fills the SYN"
                    + " queue and real clients are dropped." : null));
            return out;
        }

        List<CounterCheck> counters() {
            Counters c = now.counters();
            List<CounterCheck> out = new ArrayList<>();
            Long overflowDelta = delta("TcpExtListenOverflows");
            counter(out, "TcpExtListenOverflows", "SYNs dropped because a listener's accept queue was full: the"
                    + " application does not accept() fast enough or its backlog is too small",
                    d -> d != null && d > 0 ? Level.WARNING : Level.INFO);
            counter(out, "TcpExtListenDrops", "SYNs dropped on listening sockets for any reason: every overflow plus"
                    + " others such as memory; more drops than overflows points elsewhere",
                    d -> d != null && d > (overflowDelta == null ? 0 : overflowDelta) ? Level.WARNING : Level.INFO);
            counter(out, "TcpExtTCPTimeWaitOverflow", "TIME_WAIT sockets not created because tcp_max_tw_buckets was"
                    + " reached", d -> d != null && d > 0 ? Level.CRITICAL
                    : c.value("TcpExtTCPTimeWaitOverflow") > 0 ? Level.WARNING : Level.INFO);
            counter(out, "TcpExtTW", "TIME_WAIT sockets created: its rate is the rate of connections this host closes"
                    + " first", d -> Level.INFO);
            counter(out, "TcpExtTWRecycled", "TIME_WAIT tuples taken over by new outgoing connections (tcp_tw_reuse at"
                    + " work)", d -> Level.INFO);
            counter(out, "TcpExtTCPAbortOnData", "connections reset because data arrived after close(), or closed with"
                    + " SO_LINGER 0 (no TIME_WAIT, the peer sees a reset)", d -> Level.INFO);
            counter(out, "TcpExtTCPAbortOnClose", "connections reset because the application closed them with unread"
                    + " data", d -> Level.INFO);
            counter(out, "TcpExtTCPAbortOnMemory", "connections reset for lack of memory or beyond tcp_max_orphans",
                    d -> d != null && d > 0 ? Level.WARNING : Level.INFO);
            counter(out, "TcpExtTCPAbortOnTimeout", "connections given up after too many retransmissions or keepalive"
                    + " probes", d -> Level.INFO);
            counter(out, "TcpExtTCPAbortOnLinger", "orphaned FIN_WAIT2 sockets reset after TCP_LINGER2", d -> Level.INFO);
            counter(out, "TcpAttemptFails", "connection attempts that failed (refused, timed out, reset during the"
                    + " handshake)", d -> Level.INFO);
            counter(out, "TcpEstabResets", "established connections reset", d -> Level.INFO);
            return out;
        }

        private void counter(List<CounterCheck> out, String name, String meaning, java.util.function.Function<Long, Level> level) {
            if (now.counters().get(name).isEmpty()) {
                return;
            }
            Long d = delta(name);
            out.add(new CounterCheck(name, now.counters().value(name), d, meaning, level.apply(d)));
        }

        Long delta(String name) {
            if (before == null) {
                return null;
            }
            var d = now.counters().delta(before.counters(), name);
            return d.isPresent() ? d.getAsLong() : null;
        }

        void fds() {
            for (ProcessFds p : now.fds().processes()) {
                Level level = Level.ofPercent(p.percent());
                if (p.softLimit() != null && level != Level.INFO) {
                    findings.add(new Finding(level, "fd_limit", "pid " + p.process() + " has " + Numbers.count(p.open())
                            + " of " + Numbers.count(p.softLimit()) + " file descriptors open (" + Numbers.percent(p.percent())
                            + "); at the limit accept() and connect() fail with EMFILE (\"Too many open files\")",
                            "Raise its soft limit (ulimit -n, systemd LimitNOFILE=, container nofile; the hard limit is "
                            + (p.hardLimit() == null ? "unlimited" : Numbers.count(p.hardLimit())) + "), and look for"
                            + " leaked connections (CLOSE_WAIT)."));
                }
            }
            Long allocated = now.fds().allocated();
            Long max = now.fds().max();
            if (allocated != null && max != null && max > 0) {
                double percent = Numbers.share(allocated, max);
                Level level = Level.ofPercent(percent);
                if (level != Level.INFO) {
                    findings.add(new Finding(level, "fd_system", Numbers.count(allocated) + " of " + Numbers.count(max)
                            + " file handles allocated system-wide (" + Numbers.percent(percent) + ", fs.file-max): at"
                            + " the limit every process gets ENFILE", "Raise fs.file-max and find the process that holds"
                            + " so many."));
                }
            }
        }

        String owners(long inode) {
            List<ProcessRef> refs = now.owners().of(inode);
            if (refs.isEmpty()) {
                return "";
            }
            return " (pid " + refs.stream().map(ProcessRef::toString).collect(Collectors.joining(", ")) + ")";
        }
    }

    private static String str(Integer v) {
        return v == null ? null : v.toString();
    }

    /** States by count, most first; ties in kernel order. */
    static Map<TcpState, Integer> byCount(Map<TcpState, Integer> counts) {
        Map<TcpState, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<TcpState, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** {@code 9 TIME_WAIT (90%), 1 ESTABLISHED}. */
    static String describeStates(Map<TcpState, Integer> states, int total) {
        if (states.size() == 1) {
            return Objects.requireNonNull(states.values().iterator().next()) + " " + states.keySet().iterator().next();
        }
        return states.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()
                + " (" + Numbers.percent(Numbers.share(e.getValue(), total)) + ")").collect(Collectors.joining(", "));
    }
}
