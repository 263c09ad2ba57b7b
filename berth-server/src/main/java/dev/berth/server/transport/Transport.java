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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport a server runs on.
 *
 * <ul>
 *   <li>{@link #EPOLL}, the default where native epoll loads: the only one with the zero-copy
 *       {@code splice(2)} relay.
 *   <li>{@link #IO_URING}, on request: reads and writes of many connections go to the kernel in
 *       one {@code io_uring_enter}, which pays off when many connections exchange small messages.
 *       Not the default, because container runtimes often forbid it (Docker's default seccomp
 *       profile blocks {@code io_uring_setup}) and because it has no splice relay here.
 *   <li>{@link #NIO}, the JDK's selector: everywhere, slowest.
 * </ul>
 *
 * <p>{@code -Dberth.transport=nio|epoll|io_uring} chooses one when no {@code --transport} does
 * (tests run all three).
 */
public enum Transport {
    EPOLL,
    IO_URING,
    NIO;

    private static final Logger log = LoggerFactory.getLogger("berth.transport");

    /** The names {@link #choose} accepts, for help texts and error messages. */
    public static final String CHOICES = "auto, epoll, io_uring, nio";

    /** The transport {@code berth.transport} names, or the best available one (also for a name it does not know). */
    public static Transport best() {
        try {
            return choose(System.getProperty("berth.transport", "auto"));
        } catch (IllegalArgumentException e) {
            return choose("auto");
        }
    }

    /**
     * The transport named {@code requested} ({@code auto}, {@code epoll}, {@code io_uring} or
     * {@code nio}). One that cannot run here is replaced by the best that can, with a warning
     * naming the cause: a sidecar that a seccomp profile denies io_uring should still start.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Transport choose(String requested) {
        Transport wanted = parse(requested);
        Transport fallback = Epoll.isAvailable() ? EPOLL : NIO;
        if (wanted == null || wanted.available()) {
            return wanted == null ? fallback : wanted;
        }
        log.atWarn().setMessage("transport not available, using another")
                .addKeyValue("requested", wanted.label()).addKeyValue("using", fallback.label())
                .addKeyValue("cause", wanted.unavailabilityReason()).log();
        return fallback;
    }

    /**
     * The transport {@code name} asks for, or {@code null} for {@code auto}; logs nothing.
     *
     * @throws IllegalArgumentException for a name it does not know
     */
    public static Transport parse(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "", "auto" -> null;
            case "epoll" -> EPOLL;
            case "io_uring", "io-uring", "iouring" -> IO_URING;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("transport '" + name + "' (expected one of: " + CHOICES + ")");
        };
    }

    /** Whether this transport can run on this machine. */
    public boolean available() {
        return switch (this) {
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> ioUringAvailable();
            case NIO -> true;
        };
    }

    private static boolean ioUringAvailable() {
        try {
            return IoUring.isAvailable();
        } catch (LinkageError e) {
            return false; // the native library or its classes are missing
        }
    }

    private static Throwable ioUringUnavailabilityCause() {
        try {
            return IoUring.unavailabilityCause();
        } catch (LinkageError e) {
            return e;
        }
    }

    /** Why this transport cannot run here (for NIO: why it runs), or {@code null} when nothing is in the way. */
    public String unavailabilityReason() {
        Throwable cause = switch (this) {
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING -> ioUringAvailable() ? null : ioUringUnavailabilityCause();
            case NIO -> Epoll.isAvailable() ? new IllegalStateException("chosen by --transport or -Dberth.transport")
                    : Epoll.unavailabilityCause();
        };
        return cause == null ? null : String.valueOf(cause.getMessage());
    }

    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollRegistrationFix.factory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /**
     * Makes listening sockets of one address family, for the same reason as
     * {@link #socketChannelFactory}: an IPv4 listener on a dual-stack IPv6 socket sees its
     * clients as {@code ::ffff:a.b.c.d}. (Netty's io_uring and NIO listening sockets are
     * dual-stack either way; their IPv4 clients still come out as IPv4 addresses.)
     */
    public ChannelFactory<ServerChannel> serverChannelFactory(boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return switch (this) {
            case EPOLL -> () -> new EpollServerSocketChannel(family);
            case IO_URING -> IoUringServerSocketChannel::new;
            case NIO -> NioServerSocketChannel::new;
        };
    }

    /**
     * Whether several listening sockets can share one address, each with an event loop of its
     * own ({@code SO_REUSEPORT}: the kernel spreads new connections over them by their 4-tuple).
     */
    public boolean sharesListeningPorts() {
        return this != NIO;
    }

    /** Whether the zero-copy splice relay can run on this transport's sockets. */
    public boolean splices() {
        return this == EPOLL;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /**
     * Makes client sockets of one address family. Without it Netty opens every epoll client
     * socket as a dual-stack IPv6 socket, which costs an extra {@code setsockopt(IPV6_V6ONLY)}
     * per connect and shows IPv4 peers as {@code ::ffff:a.b.c.d}.
     */
    public ChannelFactory<SocketChannel> socketChannelFactory(boolean ipv6) {
        SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return switch (this) {
            case EPOLL -> () -> new EpollSocketChannel(family);
            case IO_URING -> IoUringSocketChannel::new;
            case NIO -> () -> new NioSocketChannel(SelectorProvider.provider(), family);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
