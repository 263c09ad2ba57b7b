package dev.berth.proxy.listener;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.policy.SourcePolicy;
import dev.berth.proxy.policy.TrustedSources;
import dev.berth.proxy.proxyprotocol.ProxyProtocolReceiver;
import dev.berth.proxy.relay.ProxyConnection;
import dev.berth.proxy.upstream.UpstreamConnector;
import dev.berth.server.conn.ConnectionStats;
import dev.berth.server.listen.AcceptErrorHandler;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.Listeners;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.logging.LogRateLimiter;
import dev.berth.server.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener at run time: its bound channel, the connections it accepted, and what each new
 * connection gets. Shared state is built once per configuration (Envoy's {@code Config} vs
 * {@code Filter}) into a {@link Route}; per connection there are a record, a
 * {@link ProxyConnection} and two relay handlers.
 *
 * <p>A reload that keeps the listener's address swaps in a new route ({@link #update}): the
 * socket stays bound (no connect is refused), connections accepted from then on get the new
 * settings, and each connection keeps the settings it was accepted with (its cluster is the one
 * current when it connects upstream).
 */
public final class ProxyListener implements ProxyConnection.Context {

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");
    private static final AtomicLong IDS = new AtomicLong();

    private final InetSocketAddress address;
    private final ProxyObserver observer;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConnectionStats acceptStats = new ConnectionStats();
    private final LogRateLimiter policyLogLimiter = new LogRateLimiter(Duration.ofSeconds(1));
    private final LogRateLimiter proxyProtocolLogLimiter = new LogRateLimiter(Duration.ofSeconds(1));
    private final Admit admit = new Admit();
    private volatile Route route;
    /** The listening sockets: one, or one per event loop sharing the address; the first one's loop runs the idle sweep. */
    private List<Channel> channels = List.of();

    public ProxyListener(ListenerConfig config, Cluster cluster, UpstreamConnector connector, ProxyObserver observer) {
        this.address = config.address();
        this.observer = observer;
        this.route = new Route(config, cluster, connector);
    }

    /**
     * What a connection accepted now gets: the listener's settings, its cluster and connector,
     * its PROXY protocol receiver and policy. Immutable; a connection keeps the settings it was
     * accepted with, and gets its cluster and connector when it connects.
     */
    private final class Route {
        final ListenerConfig config;
        final Cluster cluster;
        final UpstreamConnector connector;
        final ProxyProtocolReceiver proxyProtocol;
        final SourcePolicy policy;
        final WriteBufferWaterMark waterMark;
        /** Reads of at most {@code buffer_bytes}; {@code null} for Netty's default, which reads up to 64 KiB. */
        final AdaptiveRecvByteBufAllocator allocator;

        Route(ListenerConfig config, Cluster cluster, UpstreamConnector connector) {
            this.config = config;
            this.cluster = cluster;
            this.connector = connector;
            this.proxyProtocol = config.proxyProtocol() == ListenerConfig.ProxyProtocol.ACCEPT
                    ? new ProxyProtocolReceiver(config.name(), TrustedSources.of(config.trustedSources()),
                            config.proxyProtocolTimeout(), proxyProtocolLogLimiter)
                    : null;
            // A policy that can refuse nobody costs no handler at all.
            this.policy = config.policy().allowsEveryone() ? null : SourcePolicy.of(config.policy());
            this.waterMark = new WriteBufferWaterMark(config.bufferBytes() / 2, config.bufferBytes());
            // Netty's default is (64, 2048, 64 KiB): leave it, as setting one costs two extra handle objects per connection
            this.allocator = config.bufferBytes() >= 65536 ? null : new AdaptiveRecvByteBufAllocator(64, 2048, config.bufferBytes());
        }
    }

    /**
     * Binds the configured address exactly. With several event loops on epoll, one socket per
     * loop shares it ({@code SO_REUSEPORT}, see {@link Listeners#bindPerLoop}): each loop
     * accepts its own connections, with no hand-off between threads.
     */
    public void bind(EventLoopGroup group, Transport transport) throws BindFailedException {
        List<EventLoop> loops = Listeners.loopsOf(group);
        boolean ipv6 = address.getAddress() instanceof Inet6Address;
        Supplier<ServerBootstrap> bootstrap = () -> new ServerBootstrap()
                .channelFactory(transport.serverChannelFactory(ipv6))
                .option(ChannelOption.SO_BACKLOG, route.config.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new AcceptErrorHandler(acceptStats));
                    }
                })
                // The rest of the child options come from the route, in Admit.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(admit);
        channels = loops.size() > 1 && transport.sharesListeningPorts()
                ? Listeners.bindPerLoop(bootstrap, loops, address)
                : Listeners.bindAll(bootstrap.get().group(group), List.of(address));
        scheduleSweep();
        InetSocketAddress bound = boundAddress();
        boolean wildcard = SocketAddresses.isWildcard(bound);
        Route r = route;
        log.atInfo().setMessage(wildcard ? "listening on all interfaces" : "listening")
                .addKeyValue("listener", r.config.name())
                .addKeyValue("address", SocketAddresses.format(bound))
                .addKeyValue("port", bound.getPort())
                .addKeyValue("sockets", channels.size())
                .addKeyValue("cluster", r.cluster.name())
                .addKeyValue("reachable_from", wildcard ? "every interface of this host"
                        : bound.getAddress().isLoopbackAddress() ? "this host only" : "this address only")
                .addKeyValue("proxy_protocol", r.proxyProtocol == null ? "none" : "accept from " + r.config.trustedSources())
                .addKeyValue("policy", describePolicy(r))
                .log();
    }

    /**
     * Closes connections that have been idle for their {@code idle_timeout}: one periodic task
     * on the listener's loop instead of a timer per connection (scheduling and cancelling one per
     * connection showed in the connection-rate profile). A connection is closed within one
     * period after its timeout: a tenth of the timeout, between 10 ms and 1 s.
     */
    private void sweepIdle() {
        long now = System.nanoTime();
        for (ProxyConnection c : connections) {
            c.closeIfIdle(now);
        }
        if (channels.stream().noneMatch(Channel::isOpen) && connections.isEmpty()) {
            return; // a listener that stopped and drained: no more sweeps
        }
        scheduleSweep();
    }

    private void scheduleSweep() {
        try {
            channels.getFirst().eventLoop().schedule(this::sweepIdle, sweepPeriodNanos(route.config), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the proxy is stopping
        }
    }

    private static long sweepPeriodNanos(ListenerConfig config) {
        long idle = config.idleTimeout().toNanos();
        long period = idle == 0 ? TimeUnit.SECONDS.toNanos(1) : idle / 10;
        return Math.clamp(period, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * Connections accepted from now on get this configuration and cluster; the socket stays
     * bound. The address must be the one bound (a new address is a new listener); a new
     * {@code backlog} does not apply to a socket already listening.
     */
    public void update(ListenerConfig config, Cluster cluster, UpstreamConnector connector) {
        if (!config.address().equals(address)) {
            throw new IllegalArgumentException("listener " + config.name() + " is bound to " + address + ", not " + config.address());
        }
        route = new Route(config, cluster, connector);
    }

    private static String describePolicy(Route r) {
        PolicyConfig p = r.config.policy();
        if (r.policy == null) {
            return "allow all";
        }
        return "default " + p.defaultAction().name().toLowerCase(Locale.ROOT) + ", allow " + p.allow() + ", deny " + p.deny()
                + (p.shadow() ? ", shadow (denials logged, not enforced)" : "");
    }

    /** The configuration new connections get. */
    public ListenerConfig config() {
        return route.config;
    }

    /** The cluster new connections go to. */
    public Cluster cluster() {
        return route.cluster;
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channels.getFirst().localAddress();
    }

    /** Stops accepting: new connects are refused from now on. */
    public void stopAccepting() {
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
    }

    /** How many listening sockets share the address (one per event loop with {@code SO_REUSEPORT}). */
    public int sockets() {
        return channels.size();
    }

    public Set<ProxyConnection> connections() {
        return connections;
    }

    public long acceptErrors() {
        return acceptStats.acceptErrors();
    }

    /**
     * Opens the upstream side with the route current now, not the one at accept: a connection
     * that waited for its PROXY header across a reload goes where new connections go.
     */
    @Override
    public void connect(ProxyConnection connection) {
        Route r = route;
        connection.routeTo(r.cluster);
        r.connector.connect(connection);
    }

    @Override
    public void remove(ProxyConnection connection) {
        connections.remove(connection);
    }

    /** Builds each accepted connection's pipeline. */
    @ChannelHandler.Sharable
    private final class Admit extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            Route r = route;
            ListenerConfig config = r.config;
            ChannelConfig cc = ch.config();
            if (!config.tcpNoDelay()) {
                cc.setOption(ChannelOption.TCP_NODELAY, false); // Netty turns it on for every socket; one setsockopt saved
            }
            cc.setWriteBufferWaterMark(r.waterMark);
            if (r.allocator != null) {
                cc.setRecvByteBufAllocator(r.allocator);
            }
            ConnectionInfo info = new ConnectionInfo(IDS.incrementAndGet(), config.name(), r.cluster.name(),
                    (InetSocketAddress) ch.remoteAddress(), (InetSocketAddress) ch.localAddress());
            ProxyConnection conn = new ProxyConnection(ch, info, r.cluster, observer, ProxyListener.this,
                    config.maxConnectionDuration().toNanos(), config.idleTimeout().toNanos(),
                    config.zeroCopy().spliceAfter(), config.bufferBytes());
            connections.add(conn);
            // Who the client is (PROXY header), then whether it may connect (policy), then the
            // relay, which opens the upstream connection only once both have let it through.
            if (r.proxyProtocol != null) {
                r.proxyProtocol.install(ch.pipeline(), info);
            }
            if (r.policy != null) {
                ch.pipeline().addLast("policy", new PolicyHandler(config.name(), r.policy, observer, policyLogLimiter, info));
            }
            conn.install(ch.pipeline());
        }
    }
}
