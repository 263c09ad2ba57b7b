package dev.berth.proxy.upstream;

import dev.berth.dial.AttemptRecord;
import dev.berth.proxy.observe.ConnectFailure;
import dev.berth.server.listen.SocketAddresses;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a cluster's upstream connections and health checks are bound: its
 * {@code source_address}, for endpoints of that address's family; nothing otherwise (the kernel
 * picks the source by its routes).
 *
 * <p>A plain {@code bind(ip, 0)} before {@code connect()} makes the kernel choose the port
 * without knowing the destination and keep it from every other destination, so the ephemeral
 * range runs out for all endpoints at once (bind-before-connect). On epoll the socket therefore
 * gets {@code IP_BIND_ADDRESS_NO_PORT} first and the port is chosen at connect time, per
 * destination. NIO cannot set it; that is logged once per cluster.
 */
public final class SourceBinding {

    private static final Logger log = LoggerFactory.getLogger("berth.upstream");
    // Each cluster's warnings once per process, however many connectors, probes and reloads build a binding.
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** No source address: every connection unbound. */
    public static final SourceBinding NONE = new SourceBinding(null, false);

    private final InetAddress source;
    private final boolean noPort;

    private SourceBinding(InetAddress source, boolean noPort) {
        this.source = source;
        this.noPort = noPort;
    }

    /**
     * The binding of cluster {@code cluster} on channels of {@code channelType}; logs once when the
     * transport cannot set {@code IP_BIND_ADDRESS_NO_PORT} or the address is not this host's.
     *
     * @param source the cluster's {@code source_address}, or {@code null}
     */
    public static SourceBinding of(String cluster, InetAddress source, Class<? extends Channel> channelType) {
        if (source == null) {
            return NONE;
        }
        boolean epoll = EpollSocketChannel.class.isAssignableFrom(channelType);
        String shown = SocketAddresses.ip(source);
        if (!epoll && WARNED.add(cluster + " no-port")) {
            log.atWarn().setMessage("source_address without IP_BIND_ADDRESS_NO_PORT")
                    .addKeyValue("cluster", cluster).addKeyValue("source_address", shown)
                    .addKeyValue("advice", "only the epoll transport sets IP_BIND_ADDRESS_NO_PORT, so each upstream connection"
                            + " holds its port for every destination and the ephemeral range runs out for all endpoints at"
                            + " once (bind() fails with EADDRINUSE); run on epoll (--transport epoll or auto, where native epoll loads)")
                    .log();
        }
        if (!isLocal(source) && WARNED.add(cluster + " " + shown)) {
            log.atWarn().setMessage("source_address is not an address of this host")
                    .addKeyValue("cluster", cluster).addKeyValue("source_address", shown)
                    .addKeyValue("advice", "until it is assigned to an interface every connect from it fails with"
                            + " EADDRNOTAVAIL (access log cause source_unavailable)")
                    .log();
        }
        return new SourceBinding(source, epoll);
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: say nothing
        }
    }

    /** The source address, or {@code null} when connections are not bound. */
    public InetAddress address() {
        return source;
    }

    /** The address to bind before connecting to {@code remote} (port 0), or {@code null} to leave it unbound. */
    public InetSocketAddress localFor(InetSocketAddress remote) {
        if (source == null || (remote.getAddress() instanceof Inet4Address) != (source instanceof Inet4Address)) {
            return null;
        }
        return new InetSocketAddress(source, 0);
    }

    /**
     * True when a connect to {@code remote} binds the source address without
     * {@code IP_BIND_ADDRESS_NO_PORT} (NIO): its port is then taken at bind time, for every destination.
     */
    public boolean bindsPortFirst(InetSocketAddress remote) {
        return !noPort && localFor(remote) != null;
    }

    /** Why a connect to {@code remote} failed. */
    public ConnectFailure failure(Throwable cause, InetSocketAddress remote) {
        return ConnectFailures.of(cause, bindsPortFirst(remote));
    }

    /** Why a Happy Eyeballs attempt failed. */
    public ConnectFailure failure(AttemptRecord attempt) {
        return ConnectFailures.of(attempt, bindsPortFirst(attempt.address()));
    }

    /** The words for {@link ConnectFailure#SOURCE_UNAVAILABLE}. */
    public String unavailable() {
        return "source_address " + (source == null ? "" : SocketAddresses.ip(source) + " ")
                + "is not an address of this host (EADDRNOTAVAIL at bind)";
    }

    /**
     * Prepares {@code b} for bound connections: {@code IP_BIND_ADDRESS_NO_PORT} on epoll. Harmless
     * on a connection that ends up unbound.
     */
    public Bootstrap configure(Bootstrap b) {
        return noPort ? b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true) : b;
    }

    /**
     * Prepares {@code b} as a Happy Eyeballs template: its local address is the source, which the
     * dialer applies to attempts of the same family only.
     */
    public Bootstrap template(Bootstrap b) {
        return source == null ? b : configure(b).localAddress(new InetSocketAddress(source, 0));
    }
}
