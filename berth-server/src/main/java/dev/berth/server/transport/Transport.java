package dev.berth.server.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;

/**
 * The socket transport a server runs on: native epoll where the platform has it, NIO otherwise.
 *
 * <p>{@code -Dberth.transport=nio} forces NIO (tests run both).
 */
public enum Transport {
    EPOLL,
    NIO;

    /** The best transport available here, unless {@code berth.transport} names one. */
    public static Transport best() {
        String forced = System.getProperty("berth.transport", "").trim().toLowerCase(Locale.ROOT);
        if (forced.equals("nio")) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not used, or {@code null} when it is. */
    public String unavailabilityReason() {
        if (this == EPOLL) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "forced by -Dberth.transport=nio" : String.valueOf(cause.getMessage());
    }

    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollRegistrationFix.factory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Makes listening sockets of one address family, for the same reason as
     * {@link #socketChannelFactory}: an IPv4 listener on a dual-stack IPv6 socket sees its
     * clients as {@code ::ffff:a.b.c.d}.
     */
    public ChannelFactory<ServerChannel> serverChannelFactory(boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return this == EPOLL ? () -> new EpollServerSocketChannel(family) : NioServerSocketChannel::new;
    }

    /**
     * Whether several listening sockets can share one address, each with an event loop of its
     * own ({@code SO_REUSEPORT}: the kernel spreads new connections over them by their 4-tuple).
     */
    public boolean sharesListeningPorts() {
        return this == EPOLL;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Makes client sockets of one address family. Without it Netty opens every client socket
     * as a dual-stack IPv6 socket, which costs an extra {@code setsockopt(IPV6_V6ONLY)} per
     * connect and shows IPv4 peers as {@code ::ffff:a.b.c.d}.
     */
    public ChannelFactory<SocketChannel> socketChannelFactory(boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return this == EPOLL ? () -> new EpollSocketChannel(family)
                : () -> new NioSocketChannel(SelectorProvider.provider(), family);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
