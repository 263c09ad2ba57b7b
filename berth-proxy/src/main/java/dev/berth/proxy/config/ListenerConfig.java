package dev.berth.proxy.config;

import java.net.InetSocketAddress;
import java.time.Duration;

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
        AccessLogConfig accessLog) {}
