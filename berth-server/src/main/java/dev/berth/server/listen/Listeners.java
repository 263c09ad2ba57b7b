package dev.berth.server.listen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Binds listening sockets and turns the kernel's errors into sentences. */
public final class Listeners {

    private static final InetAddress ANY_V6 = InetAddress.ofLiteral("::");
    private static final InetAddress ANY_V4 = InetAddress.ofLiteral("0.0.0.0");

    private Listeners() {}

    /**
     * The "all interfaces" address: dual-stack {@code [::]} when this host has IPv6, else
     * {@code 0.0.0.0}.
     */
    public static InetAddress allInterfaces() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            return ANY_V4;
        }
        try {
            // Linux lists every IPv6 address here; absent or empty means IPv6 is off.
            Path inet6 = Path.of("/proc/net/if_inet6");
            if (Files.isDirectory(Path.of("/proc/net"))
                    && (!Files.exists(inet6) || Files.readString(inet6).isBlank())) {
                return ANY_V4;
            }
        } catch (Exception e) {
            // Unreadable: assume IPv6, the bind will say if it is not there.
        }
        return ANY_V6;
    }

    /**
     * Binds {@code bootstrap} to every address, in order. When one fails, the ones already bound
     * are closed before the failure is thrown, so nothing is left half-listening.
     */
    public static List<Channel> bindAll(ServerBootstrap bootstrap, List<InetSocketAddress> addresses)
            throws BindFailedException {
        List<Channel> bound = new ArrayList<>(addresses.size());
        for (InetSocketAddress address : addresses) {
            ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
            if (!f.isSuccess()) {
                for (Channel c : bound) {
                    c.close().awaitUninterruptibly();
                }
                throw new BindFailedException(address, explain(f.cause()), f.cause());
            }
            bound.add(f.channel());
        }
        return bound;
    }

    /**
     * Binds one listening socket per event loop of {@code loops} on {@code address}, all with
     * {@code SO_REUSEPORT}, each accepting on its own loop (its bootstrap's parent and child
     * group), so a connection never crosses threads and the kernel spreads them over the loops
     * by 4-tuple — nginx's {@code reuseport}, Envoy's default on Linux.
     *
     * <p>{@code SO_REUSEPORT} would also let another process of the same user share the port
     * unnoticed, so the address is first bound once without it (a client socket, never
     * listening): anyone already there is "address already in use", as without sharing. A port of
     * 0 is resolved by that first bind; every socket then takes the same port.
     *
     * @param bootstrap makes a configured bootstrap (handlers, options) per socket
     */
    public static List<Channel> bindPerLoop(Supplier<ServerBootstrap> bootstrap, List<EventLoop> loops,
                                            InetSocketAddress address) throws BindFailedException {
        InetSocketAddress exact = checkFree(address);
        List<Channel> bound = new ArrayList<>(loops.size());
        for (EventLoop loop : loops) {
            ServerBootstrap b = bootstrap.get().group(loop, loop).option(UnixChannelOption.SO_REUSEPORT, true);
            try {
                bound.addAll(bindAll(b, List.of(exact)));
            } catch (BindFailedException e) {
                for (Channel c : bound) {
                    c.close().awaitUninterruptibly();
                }
                throw e;
            }
        }
        return bound;
    }

    /** The event loops of {@code group}, in order. */
    public static List<EventLoop> loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        return loops;
    }

    /** Binds {@code address} once, exclusively, and lets go; returns it with the port the kernel chose for 0. */
    private static InetSocketAddress checkFree(InetSocketAddress address) throws BindFailedException {
        StandardProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (SocketChannel probe = SocketChannel.open(family)) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as the listener: TIME_WAIT leftovers are no conflict
            probe.bind(address);
            return new InetSocketAddress(address.getAddress(), ((InetSocketAddress) probe.getLocalAddress()).getPort());
        } catch (IOException | UnsupportedOperationException e) {
            throw new BindFailedException(address, explain(e), e);
        }
    }

    /** A short, lower-case reason for a bind failure ("address already in use"). */
    static String explain(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("address already in use")) {
            return "address already in use";
        }
        if (lower.contains("cannot assign requested address")) {
            return "cannot assign requested address (no local interface has it)";
        }
        if (lower.contains("permission denied")) {
            return "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)";
        }
        if (lower.contains("address family not supported")) {
            return "address family not supported on this host";
        }
        int colon = message.lastIndexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }
}
