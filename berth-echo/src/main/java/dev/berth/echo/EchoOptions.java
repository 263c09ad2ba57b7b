package dev.berth.echo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How an echo server runs. Validated by whoever builds it (the CLI); the server trusts it.
 *
 * @param bind           where to listen; at least one
 * @param maxConnections connections served at once; the next is accepted and closed at once
 * @param idleTimeout    close a connection after this long without a read or write; zero = off
 * @param drainTimeout   on shutdown, how long open connections may keep going before they are closed
 * @param threads        event-loop threads; zero = one per core
 */
public record EchoOptions(
        List<InetSocketAddress> bind,
        int maxConnections,
        Duration idleTimeout,
        Duration drainTimeout,
        int threads) {

    public static final int DEFAULT_PORT = 8888;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Per-connection outbound buffering: reading from a client stops once this many echoed
     * bytes wait to be sent and resumes below {@link #LOW_WATER_MARK}. With one read of at most
     * {@link #MAX_READ_BYTES} in flight, a connection holds at most HIGH + MAX_READ bytes
     * (128 KiB) of echo data, however fast the client sends and however slowly it reads.
     */
    public static final int HIGH_WATER_MARK = 64 * 1024;

    public static final int LOW_WATER_MARK = 32 * 1024;

    /** The largest single read (Netty's adaptive receive allocator's ceiling). */
    public static final int MAX_READ_BYTES = 64 * 1024;

    public EchoOptions {
        bind = List.copyOf(bind);
        if (bind.isEmpty()) {
            throw new IllegalArgumentException("bind: at least one address (expected: 1 or more)");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (idleTimeout.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }
}
