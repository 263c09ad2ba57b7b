package dev.berth.echo;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits or refuses each accepted connection and builds its pipeline: over
 * {@code max_connections} the connection is closed at once (reported as a {@code limit}
 * rejection); otherwise it gets an idle timer (when configured) and an {@link EchoHandler}.
 * Shared by every accepted channel of one server.
 */
@ChannelHandler.Sharable
final class EchoInitializer extends ChannelInitializer<Channel> {

    private final EchoOptions options;
    private final ConnectionStats stats;
    private final ConnectionObserver observer;
    private final ChannelGroup connections;
    private final AtomicLong nextId = new AtomicLong();

    EchoInitializer(EchoOptions options, ConnectionStats stats, ConnectionObserver observer, ChannelGroup connections) {
        this.options = options;
        this.stats = stats;
        this.observer = observer;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!stats.tryAcquire(options.maxConnections())) {
            observer.rejected((InetSocketAddress) ch.remoteAddress(), (InetSocketAddress) ch.localAddress(), CloseReason.LIMIT);
            ch.close();
            return;
        }
        connections.add(ch);
        if (!options.idleTimeout().isZero()) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        }
        ch.pipeline().addLast(new EchoHandler(nextId.incrementAndGet(), observer));
    }
}
