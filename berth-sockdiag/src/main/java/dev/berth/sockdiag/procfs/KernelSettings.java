package dev.berth.sockdiag.procfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sysctls that decide how many ephemeral ports there are, how TIME_WAIT is handled and how
 * long listen queues are. A sysctl the kernel does not have (or that could not be read) is
 * {@code null}; {@link #read} names any that could not be parsed.
 *
 * @param portRange {@code net.ipv4.ip_local_port_range}: the ephemeral range for connect() and bind(port 0)
 * @param reservedPorts {@code net.ipv4.ip_local_reserved_ports}: never picked automatically
 * @param unprivilegedPortStart {@code net.ipv4.ip_unprivileged_port_start}: binding below needs CAP_NET_BIND_SERVICE
 * @param tcpTwReuse {@code net.ipv4.tcp_tw_reuse}: 0 off, 1 on for outgoing connections, 2 loopback only
 * @param tcpTimestamps {@code net.ipv4.tcp_timestamps}: 0 off (and TIME_WAIT reuse with it), 1 on with random offsets, 2 on without
 * @param tcpFinTimeout {@code net.ipv4.tcp_fin_timeout}: seconds an orphaned FIN_WAIT2 lives (not TIME_WAIT's length)
 * @param tcpMaxTwBuckets {@code net.ipv4.tcp_max_tw_buckets}: most TIME_WAIT sockets at once
 * @param somaxconn {@code net.core.somaxconn}: the cap on a listen() backlog
 * @param tcpMaxSynBacklog {@code net.ipv4.tcp_max_syn_backlog}: half-open connections per listener
 * @param tcpAbortOnOverflow {@code net.ipv4.tcp_abort_on_overflow}: reset instead of drop on a full accept queue
 * @param tcpSyncookies {@code net.ipv4.tcp_syncookies}
 * @param bindV6Only {@code net.ipv6.bindv6only}: the default of IPV6_V6ONLY for new sockets
 */
public record KernelSettings(
        PortRange portRange,
        PortSet reservedPorts,
        Integer unprivilegedPortStart,
        Integer tcpTwReuse,
        Integer tcpTimestamps,
        Integer tcpFinTimeout,
        Integer tcpMaxTwBuckets,
        Integer somaxconn,
        Integer tcpMaxSynBacklog,
        Integer tcpAbortOnOverflow,
        Integer tcpSyncookies,
        Integer bindV6Only) {

    public static final String PORT_RANGE = "net.ipv4.ip_local_port_range";
    public static final String RESERVED_PORTS = "net.ipv4.ip_local_reserved_ports";
    public static final String UNPRIVILEGED_PORT_START = "net.ipv4.ip_unprivileged_port_start";
    public static final String TCP_TW_REUSE = "net.ipv4.tcp_tw_reuse";
    public static final String TCP_TIMESTAMPS = "net.ipv4.tcp_timestamps";
    public static final String TCP_FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";
    public static final String TCP_MAX_TW_BUCKETS = "net.ipv4.tcp_max_tw_buckets";
    public static final String SOMAXCONN = "net.core.somaxconn";
    public static final String TCP_MAX_SYN_BACKLOG = "net.ipv4.tcp_max_syn_backlog";
    public static final String TCP_ABORT_ON_OVERFLOW = "net.ipv4.tcp_abort_on_overflow";
    public static final String TCP_SYNCOOKIES = "net.ipv4.tcp_syncookies";
    public static final String BINDV6ONLY = "net.ipv6.bindv6only";

    /** Nothing known. */
    public static final KernelSettings UNKNOWN =
            new KernelSettings(null, null, null, null, null, null, null, null, null, null, null, null);

    /** The ephemeral range, or the kernel default when it could not be read. */
    public PortRange portRangeOrDefault() {
        return portRange != null ? portRange : PortRange.KERNEL_DEFAULT;
    }

    /** The reserved ports, or none when they could not be read. */
    public PortSet reservedPortsOrNone() {
        return reservedPorts != null ? reservedPorts : PortSet.EMPTY;
    }

    /** The first unprivileged port, or 1024. */
    public int unprivilegedPortStartOrDefault() {
        return unprivilegedPortStart != null ? unprivilegedPortStart : 1024;
    }

    /** Reads every setting; problems name the sysctl and its text. */
    public static ParseResult<KernelSettings> read(Procfs proc) throws IOException {
        List<String> problems = new ArrayList<>();
        PortRange range = null;
        Optional<String> rangeText = proc.sysctl(PORT_RANGE);
        if (rangeText.isPresent()) {
            try {
                range = PortRange.parse(rangeText.get());
            } catch (IllegalArgumentException e) {
                problems.add(PORT_RANGE + ": " + e.getMessage());
            }
        }
        PortSet reserved = null;
        Optional<String> reservedText = proc.sysctl(RESERVED_PORTS);
        if (reservedText.isPresent()) {
            try {
                reserved = PortSet.parse(reservedText.get());
            } catch (IllegalArgumentException e) {
                problems.add(RESERVED_PORTS + ": " + e.getMessage());
            }
        }
        return new ParseResult<>(new KernelSettings(range, reserved,
                integer(proc, UNPRIVILEGED_PORT_START, problems),
                integer(proc, TCP_TW_REUSE, problems),
                integer(proc, TCP_TIMESTAMPS, problems),
                integer(proc, TCP_FIN_TIMEOUT, problems),
                integer(proc, TCP_MAX_TW_BUCKETS, problems),
                integer(proc, SOMAXCONN, problems),
                integer(proc, TCP_MAX_SYN_BACKLOG, problems),
                integer(proc, TCP_ABORT_ON_OVERFLOW, problems),
                integer(proc, TCP_SYNCOOKIES, problems),
                integer(proc, BINDV6ONLY, problems)), problems);
    }

    private static Integer integer(Procfs proc, String name, List<String> problems) throws IOException {
        Optional<String> text = proc.sysctl(name);
        if (text.isEmpty()) {
            return null;
        }
        String t = text.get().strip();
        if (!ProcText.isDecimal(t, true) || t.length() > 11) {
            problems.add(name + ": " + ProcText.quote(t) + " is not a whole number");
            return null;
        }
        long v = Long.parseLong(t);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            problems.add(name + ": " + ProcText.quote(t) + " is out of range");
            return null;
        }
        return (int) v;
    }
}
