package dev.berth.proxy.config;

import dev.berth.ip.Prefix;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One listener: a bound address whose connections go to one cluster.
 *
 * @param name                  unique name (used in logs and metrics)
 * @param address               bound exactly as written: IPv4, IPv6, {@code 0.0.0.0}, {@code [::]} (dual-stack)
 * @param cluster               the cluster its connections go to
 * @param backlog               accept queue length; default 1024
 * @param idleTimeout           close a connection with no traffic either way for this long; default 1h; zero = off
 * @param maxConnectionDuration close a connection this long after accept; default zero = off
 * @param bufferBytes           bytes buffered per direction before reading from the other side stops; default 64 KiB
 * @param tcpNoDelay            {@code TCP_NODELAY} on both sides; default true
 * @param accessLog             where its access log goes; default standard output
 * @param proxyProtocol         whether every connection must start with a PROXY protocol header; default none
 * @param trustedSources        the direct peers whose PROXY headers are believed (the only ones let in under
 *                              {@code accept}); required and non-empty with {@code accept}, empty otherwise
 * @param proxyProtocolTimeout  how long a client has to send the whole header; default 5s
 * @param policy                source-CIDR policy; default {@link PolicyConfig#ALLOW_ALL}
 * @param zeroCopy              whether bulk transfers splice instead of copying; default {@link ZeroCopy#AUTO}
 */
public record ListenerConfig(
        String name,
        InetSocketAddress address,
        String cluster,
        int backlog,
        Duration idleTimeout,
        Duration maxConnectionDuration,
        int bufferBytes,
        boolean tcpNoDelay,
        AccessLogConfig accessLog,
        ProxyProtocol proxyProtocol,
        List<Prefix> trustedSources,
        Duration proxyProtocolTimeout,
        PolicyConfig policy,
        ZeroCopy zeroCopy) {

    /** The PROXY protocol header's default arrival timeout. */
    public static final Duration DEFAULT_PROXY_PROTOCOL_TIMEOUT = Duration.ofSeconds(5);

    public ListenerConfig {
        trustedSources = List.copyOf(trustedSources);
    }

    /** A listener with the default relay ({@link ZeroCopy#AUTO}). */
    public ListenerConfig(String name, InetSocketAddress address, String cluster, int backlog, Duration idleTimeout,
                          Duration maxConnectionDuration, int bufferBytes, boolean tcpNoDelay, AccessLogConfig accessLog,
                          ProxyProtocol proxyProtocol, List<Prefix> trustedSources, Duration proxyProtocolTimeout,
                          PolicyConfig policy) {
        this(name, address, cluster, backlog, idleTimeout, maxConnectionDuration, bufferBytes, tcpNoDelay, accessLog,
                proxyProtocol, trustedSources, proxyProtocolTimeout, policy, ZeroCopy.AUTO);
    }

    /** This listener with {@code zeroCopy} instead. */
    public ListenerConfig withZeroCopy(ZeroCopy zeroCopy) {
        return new ListenerConfig(name, address, cluster, backlog, idleTimeout, maxConnectionDuration, bufferBytes, tcpNoDelay,
                accessLog, proxyProtocol, trustedSources, proxyProtocolTimeout, policy, zeroCopy);
    }

    /** A listener without PROXY protocol or policy (every new field at its default). */
    public ListenerConfig(String name, InetSocketAddress address, String cluster, int backlog, Duration idleTimeout,
                          Duration maxConnectionDuration, int bufferBytes, boolean tcpNoDelay, AccessLogConfig accessLog) {
        this(name, address, cluster, backlog, idleTimeout, maxConnectionDuration, bufferBytes, tcpNoDelay, accessLog,
                ProxyProtocol.NONE, List.of(), DEFAULT_PROXY_PROTOCOL_TIMEOUT, PolicyConfig.ALLOW_ALL, ZeroCopy.AUTO);
    }

    /**
     * What a listener expects at the start of each connection. There is no "maybe": a header
     * is never auto-detected (PROXY protocol spec §5), the listener says whether one comes.
     */
    public enum ProxyProtocol {
        /** Connections carry no header; the first byte is the client's. */
        NONE,
        /**
         * Every connection starts with a v1 (text) or v2 (binary) header, told apart by their
         * signatures as HAProxy's {@code accept-proxy} does; it is required, and believed only
         * from {@code trusted_sources}.
         */
        ACCEPT
    }

    /**
     * Whether the relay moves bulk bytes with {@code splice(2)} (socket → pipe → socket, never
     * through user space) instead of copying them. Only between two epoll sockets; otherwise,
     * or when the native calls are unavailable, it copies.
     */
    public enum ZeroCopy {
        /** Always copy. */
        OFF,
        /**
         * Copy the first {@link #AUTO_AFTER_BYTES} bytes of each direction, then splice the
         * rest once one read brings a bulk backlog (32 KiB or more at once): small exchanges
         * and chatty long-lived connections stay on the copying path (no pipe, no extra fds),
         * bulk transfers splice.
         */
        AUTO,
        /** Splice from the first byte (mostly for tests: every connection pays for two pipes). */
        ALWAYS;

        /** Bytes a direction copies under {@link #AUTO} before it splices. */
        public static final long AUTO_AFTER_BYTES = 128 * 1024;

        /** Bytes copied before splicing: 0 = from the start, negative = never. */
        public long spliceAfter() {
            return switch (this) {
                case OFF -> -1;
                case AUTO -> AUTO_AFTER_BYTES;
                case ALWAYS -> 0;
            };
        }
    }
}
