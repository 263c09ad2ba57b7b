package dev.berth.server.listen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
