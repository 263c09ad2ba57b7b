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
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener at run time: its bound channel, the connections it accepted, and what each new
 * connection gets. Shared state is built once here (Envoy's {@code Config} vs {@code Filter});
 * per connection there are a record, a {@link ProxyConnection} and two relay handlers.
 */
public final class ProxyListener implements ProxyConnection.Context {

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");
    private static final AtomicLong IDS = new AtomicLong();

    private final ListenerConfig config;
    private final Cluster cluster;
    private final UpstreamConnector connector;
    private final ProxyObserver observer;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConnectionStats acceptStats = new ConnectionStats();
    private final ProxyProtocolReceiver proxyProtocol;
    private final SourcePolicy policy;
    private final LogRateLimiter policyLogLimiter = new LogRateLimiter(Duration.ofSeconds(1));
    private Channel channel;

    public ProxyListener(ListenerConfig config, Cluster cluster, UpstreamConnector connector, ProxyObserver observer) {
        this.config = config;
        this.cluster = cluster;
        this.connector = connector;
        this.observer = observer;
        this.proxyProtocol = config.proxyProtocol() == ListenerConfig.ProxyProtocol.ACCEPT
                ? new ProxyProtocolReceiver(config.name(), TrustedSources.of(config.trustedSources()),
                        config.proxyProtocolTimeout(), new LogRateLimiter(Duration.ofSeconds(1)))
                : null;
        // A policy that can refuse nobody costs no handler at all.
        this.policy = config.policy().allowsEveryone() ? null : SourcePolicy.of(config.policy());
    }

    /** Binds the configured address exactly. */
    public void bind(EventLoopGroup group, Transport transport) throws BindFailedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new AcceptErrorHandler(acceptStats));
                    }
                })
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.bufferBytes() / 2, config.bufferBytes()))
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 2048, Math.min(config.bufferBytes(), 65536)))
                .childHandler(new Admit());
        channel = Listeners.bindAll(b, List.of(config.address())).getFirst();
        InetSocketAddress bound = boundAddress();
        boolean wildcard = SocketAddresses.isWildcard(bound);
        log.atInfo().setMessage(wildcard ? "listening on all interfaces" : "listening")
                .addKeyValue("listener", config.name())
                .addKeyValue("address", SocketAddresses.format(bound))
                .addKeyValue("port", bound.getPort())
                .addKeyValue("cluster", cluster.name())
                .addKeyValue("reachable_from", wildcard ? "every interface of this host"
                        : bound.getAddress().isLoopbackAddress() ? "this host only" : "this address only")
                .addKeyValue("proxy_protocol", proxyProtocol == null ? "none" : "accept from " + config.trustedSources())
                .addKeyValue("policy", describePolicy())
                .log();
    }

    private String describePolicy() {
        PolicyConfig p = config.policy();
        if (policy == null) {
            return "allow all";
        }
        return "default " + p.defaultAction().name().toLowerCase(Locale.ROOT) + ", allow " + p.allow() + ", deny " + p.deny()
                + (p.shadow() ? ", shadow (denials logged, not enforced)" : "");
    }

    public ListenerConfig config() {
        return config;
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting: new connects are refused from now on. */
    public void stopAccepting() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    public Set<ProxyConnection> connections() {
        return connections;
    }

    public long acceptErrors() {
        return acceptStats.acceptErrors();
    }

    @Override
    public void connect(ProxyConnection connection) {
        connector.connect(connection);
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
            ConnectionInfo info = new ConnectionInfo(IDS.incrementAndGet(), config.name(), cluster.name(),
                    (InetSocketAddress) ch.remoteAddress(), (InetSocketAddress) ch.localAddress());
            ProxyConnection conn = new ProxyConnection(ch, info, cluster, observer, ProxyListener.this,
                    config.maxConnectionDuration().toNanos());
            connections.add(conn);
            if (!config.idleTimeout().isZero()) {
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
            }
            // Who the client is (PROXY header), then whether it may connect (policy), then the
            // relay, which opens the upstream connection only once both have let it through.
            if (proxyProtocol != null) {
                proxyProtocol.install(ch.pipeline(), info);
            }
            if (policy != null) {
                ch.pipeline().addLast("policy", new PolicyHandler(config.name(), policy, observer, policyLogLimiter, info));
            }
            conn.install(ch.pipeline());
        }
    }
}
