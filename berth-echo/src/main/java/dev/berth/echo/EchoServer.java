package dev.berth.echo;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionLogObserver;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionStats;
import dev.berth.server.listen.AcceptErrorHandler;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.Listeners;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running echo server: bound listeners, the connections they accepted, and the counters.
 *
 * <p>Lifecycle: {@link #start} binds every address (or none: a failure closes what was bound);
 * {@link #drain} stops accepting at once, lets open connections finish until the drain timeout,
 * then closes the rest and releases the threads.
 */
public final class EchoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("berth.echo");

    private final EchoOptions options;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ConnectionStats stats = new ConnectionStats();
    private final ChannelGroup connections = new DefaultChannelGroup("echo-connections", GlobalEventExecutor.INSTANCE);
    private final ConnectionObserver observer;
    private List<Channel> listeners = List.of();

    private EchoServer(EchoOptions options, Transport transport, ConnectionObserver extra) {
        this.options = options;
        this.transport = transport;
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(threads, "berth-echo");
        this.observer = ConnectionObserver.of(List.of(stats, new ConnectionLogObserver("berth.echo.conn"), extra));
    }

    /**
     * Binds and starts serving.
     *
     * @param extra observes every connection besides the built-in log and counters
     * @throws BindFailedException naming the address that could not be bound
     */
    public static EchoServer start(EchoOptions options, ConnectionObserver extra) throws BindFailedException {
        return start(options, Transport.best(), extra);
    }

    /** As {@link #start(EchoOptions, ConnectionObserver)}, on {@code transport}. */
    public static EchoServer start(EchoOptions options, Transport transport, ConnectionObserver extra)
            throws BindFailedException {
        EchoServer server = new EchoServer(options, transport, extra);
        try {
            server.bind();
        } catch (BindFailedException | RuntimeException e) {
            server.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            throw e;
        }
        return server;
    }

    private void bind() throws BindFailedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new AcceptErrorHandler(stats));
                    }
                })
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(EchoOptions.LOW_WATER_MARK, EchoOptions.HIGH_WATER_MARK))
                .childHandler(new EchoInitializer(options, stats, observer, connections));
        listeners = Listeners.bindAll(bootstrap, options.bind());
        for (Channel listener : listeners) {
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            boolean wildcard = SocketAddresses.isWildcard(address);
            log.atInfo()
                    .setMessage(wildcard ? "listening on all interfaces" : "listening")
                    .addKeyValue("address", SocketAddresses.format(address))
                    .addKeyValue("port", address.getPort())
                    .addKeyValue("reachable_from", wildcard
                            ? "every interface of this host (bind a specific address such as 127.0.0.1 to limit this)"
                            : address.getAddress().isLoopbackAddress() ? "this host only" : "this address only")
                    .addKeyValue("transport", transport.label())
                    .log();
        }
    }

    /** The addresses actually bound, with the real port when 0 was asked for. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(listeners.size());
        for (Channel c : listeners) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    public ConnectionStats stats() {
        return stats;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Graceful shutdown: stop accepting now (new connects are refused), let open connections
     * keep echoing until they close or the drain timeout passes, close the rest, stop threads.
     * Blocks until done.
     */
    public void drain() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        long open = connections.size();
        log.atInfo()
                .setMessage("draining")
                .addKeyValue("open_connections", open)
                .addKeyValue("drain_timeout_ms", options.drainTimeout().toMillis())
                .log();
        boolean finished = connections.newCloseFuture()
                .awaitUninterruptibly(options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        long forced = 0;
        if (!finished) {
            for (Channel ch : connections) {
                EchoHandler h = ch.pipeline().get(EchoHandler.class);
                if (h != null) {
                    h.end(CloseReason.DRAIN);
                    forced++;
                } else {
                    ch.close();
                }
            }
            connections.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        log.atInfo()
                .setMessage("stopped")
                .addKeyValue("connections_served", stats.accepted())
                .addKeyValue("closed_by_drain", forced)
                .addKeyValue("bytes_in", stats.bytesIn())
                .addKeyValue("bytes_out", stats.bytesOut())
                .log();
    }

    /** Stops at once, without draining. */
    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
