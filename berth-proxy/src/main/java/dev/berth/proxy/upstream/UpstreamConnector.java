package dev.berth.proxy.upstream;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.loadbalancer.Endpoint;
import dev.berth.proxy.loadbalancer.PickContext;
import dev.berth.proxy.observe.ConnectFailure;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.relay.ProxyConnection;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import dev.berth.dial.AttemptRecord;
import dev.berth.dial.DialException;
import dev.berth.dial.DialListener;
import dev.berth.dial.DialOptions;
import dev.berth.dial.Family;
import dev.berth.dial.NettyDialer;
import dev.berth.dial.Resolver;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens upstream connections for one listener's cluster. The upstream channel is registered on
 * the client channel's event loop (one thread per connection, no handoff), with {@code AUTO_READ}
 * off and the listener's buffer limit as its write-buffer high-water mark.
 *
 * <p>A failed attempt tries another endpoint (up to {@code connect_attempts}, never the same one
 * twice), then gives up with {@code UF} (refused or failed) or {@code UT} (timed out). Only the
 * endpoints the cluster currently balances over are tried (the healthy ones, or all in panic
 * mode), and every failure is reported to the cluster for outlier detection.
 *
 * <p>Two circuit breakers come first: {@code max_connections} (upstream connections open or
 * opening) and {@code max_pending} (clients waiting for their connect to finish); either one
 * full closes the client with {@code UO}.
 */
public final class UpstreamConnector {

    /** The upstream pipeline's placeholder until the relay handler is added right after connect(). */
    @ChannelHandler.Sharable
    private static final class Placeholder extends ChannelHandlerAdapter {}

    private static final ChannelHandler PLACEHOLDER = new Placeholder();

    /** A client's claim on one of {@code max_pending}, returned once, when its connect ends either way. */
    private static final class PendingSlot {
        private final Cluster cluster;
        private boolean held = true;

        PendingSlot(Cluster cluster) {
            this.cluster = cluster;
        }

        void release() {
            if (held) {
                held = false;
                cluster.releasePending();
            }
        }
    }

    private final Transport transport;
    private final ClusterConfig config;
    private final ProxyObserver observer;
    private final int bufferBytes;
    private final boolean tcpNoDelay;
    private final SourceBinding source;
    private final ConcurrentHashMap<EventLoop, Bootstrap[]> bootstraps = new ConcurrentHashMap<>();

    public UpstreamConnector(Transport transport, ClusterConfig config, ProxyObserver observer, int bufferBytes, boolean tcpNoDelay) {
        this.transport = transport;
        this.config = config;
        this.observer = observer;
        this.bufferBytes = bufferBytes;
        this.tcpNoDelay = tcpNoDelay;
        this.source = SourceBinding.of(config.name(), config.sourceAddress(), transport.socketChannel());
    }

    /** Starts connecting {@code conn} to an endpoint of its cluster. */
    public void connect(ProxyConnection conn) {
        Cluster cluster = conn.cluster();
        if (!conn.acquireSlot()) {
            conn.giveUp(ReasonCode.UO, "cluster " + cluster.name() + " has max_connections " + config.maxConnections() + " open");
            return;
        }
        if (!cluster.tryAcquirePending()) {
            conn.giveUp(ReasonCode.UO, "cluster " + cluster.name() + " has max_pending " + config.maxPending()
                    + " clients waiting for a connect");
            return;
        }
        attempt(conn, 1, Set.of(), new PendingSlot(cluster));
    }

    private void attempt(ProxyConnection conn, int n, Set<Endpoint> tried, PendingSlot pending) {
        Cluster cluster = conn.cluster();
        InetSocketAddress client = conn.info().sourceAddress(); // under PROXY protocol, the header's client
        UpstreamEndpoint endpoint = cluster.pick(new PickContext(client.getAddress(), tried));
        if (endpoint == null && tried.isEmpty() && cluster.latest() != cluster) {
            // A reload replaced the cluster between routing and picking: go where new connections go.
            conn.routeTo(cluster.latest());
            attempt(conn, n, tried, pending);
            return;
        }
        if (endpoint == null) {
            pending.release();
            int all = cluster.endpoints().size();
            conn.giveUp(ReasonCode.UH, "cluster " + cluster.name() + (all == 0 ? " has no endpoints"
                    : " has no healthy endpoint (" + all + " unhealthy, panic_threshold " + config.panicThreshold() + "%)"));
            return;
        }
        if (config.discovery() == ClusterConfig.Discovery.DNS) {
            List<UpstreamEndpoint> siblings = siblings(cluster, endpoint);
            if (siblings.size() > 1) {
                dialName(conn, n, tried, endpoint, siblings, pending);
                return;
            }
        }
        conn.info().attempt(endpoint.label());
        ChannelFuture f = bootstrap(conn.downstream().eventLoop(), endpoint.address()).connect(endpoint.address(), source.localFor(endpoint.address()));
        conn.connecting(f.channel());
        f.addListener(done -> {
            if (done.isSuccess()) {
                pending.release();
                conn.connected(f.channel(), endpoint);
                return;
            }
            conn.attemptFailed(f.channel());
            if (!conn.wanted()) {
                pending.release();
                return; // the client left: an abandoned attempt says nothing about the endpoint
            }
            Throwable cause = done.cause();
            boolean timedOut = cause instanceof ConnectTimeoutException;
            ConnectFailure why = source.failure(cause, endpoint.address());
            if (!why.local()) {
                cluster.connectFailed(endpoint); // outlier detection judges the endpoint, not this host's ports
            }
            conn.info().connectFailed(why);
            observer.upstreamConnectFailed(conn.info(), endpoint.label(), timedOut);
            Set<Endpoint> next = new HashSet<>(tried);
            next.add(endpoint);
            if (n < config.connectAttempts() && untried(cluster, next)) {
                attempt(conn, n + 1, next, pending);
            } else {
                pending.release();
                conn.giveUp(timedOut ? ReasonCode.UT : ReasonCode.UF, describe(endpoint, cause, why));
            }
        });
    }

    /** True while the balancer has an endpoint not in {@code tried}. */
    private static boolean untried(Cluster cluster, Set<Endpoint> tried) {
        for (UpstreamEndpoint e : cluster.candidates()) {
            if (!tried.contains(e)) {
                return true;
            }
        }
        return false;
    }

    /** The endpoints the balancer may pick that came from the same configured name as {@code endpoint}. */
    private static List<UpstreamEndpoint> siblings(Cluster cluster, UpstreamEndpoint endpoint) {
        List<UpstreamEndpoint> out = new ArrayList<>();
        for (UpstreamEndpoint e : cluster.candidates()) {
            if (e.source().equals(endpoint.source())) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Connects to a name with several addresses the Happy Eyeballs way (berth-dial): the
     * balancer's pick is tried first, the name's other addresses follow after the attempt delay
     * (or at once when one fails), so a black-holed address costs 250 ms, not connect_timeout.
     * Addresses come from the cluster's snapshot: no extra DNS query on the data path.
     */
    private void dialName(ProxyConnection conn, int n, Set<Endpoint> tried, UpstreamEndpoint picked,
                          List<UpstreamEndpoint> siblings, PendingSlot pending) {
        Family first = Family.of(picked.address().getAddress());
        Resolver fromSnapshot = (host, family) -> {
            List<InetAddress> out = new ArrayList<>();
            if (family == first) {
                out.add(picked.address().getAddress());
            }
            for (UpstreamEndpoint e : siblings) {
                if (e != picked && Family.of(e.address().getAddress()) == family) {
                    out.add(e.address().getAddress());
                }
            }
            return CompletableFuture.completedFuture(out);
        };
        DialListener bridge = new DialListener() {
            @Override
            public void attemptFailed(AttemptRecord attempt) {
                UpstreamEndpoint e = byAddress(siblings, attempt.address());
                ConnectFailure why = source.failure(attempt);
                if (e != null && !why.local()) {
                    conn.cluster().connectFailed(e);
                }
                conn.info().connectFailed(why);
                observer.upstreamConnectFailed(conn.info(), SocketAddresses.format(attempt.address()), false);
            }
        };
        DialOptions options = DialOptions.defaults().withPreferred(first).withResolutionDelay(Duration.ZERO)
                .withTimeout(config.connectTimeout());
        conn.info().attempt(picked.source());
        Bootstrap b = source.template(bootstrap(conn.downstream().eventLoop(), null).clone().handler(conn.upstreamRelay()));
        Future<Channel> dial = new NettyDialer(fromSnapshot, options, bridge).dial(b, picked.sourceHost(), picked.address().getPort());
        conn.dialing(dial);
        dial.addListener(done -> {
            if (done.isSuccess()) {
                pending.release();
                Channel ch = dial.getNow();
                conn.dialEnded();
                UpstreamEndpoint winner = byAddress(siblings, (InetSocketAddress) ch.remoteAddress());
                conn.connected(ch, winner != null ? winner : picked);
                return;
            }
            conn.dialEnded();
            if (done.isCancelled() || !conn.wanted()) {
                pending.release();
                return;
            }
            DialException e = (DialException) done.cause();
            boolean timedOut = e.kind() == DialException.Kind.DEADLINE_EXCEEDED;
            if (timedOut) {
                conn.info().connectFailed(ConnectFailure.TIMEOUT);
                observer.upstreamConnectFailed(conn.info(), picked.source(), true);
                conn.cluster().connectFailed(picked);
            }
            Set<Endpoint> next = new HashSet<>(tried);
            next.addAll(siblings);
            if (n < config.connectAttempts() && untried(conn.cluster(), next)) {
                attempt(conn, n + 1, next, pending);
            } else {
                pending.release();
                conn.giveUp(timedOut ? ReasonCode.UT : ReasonCode.UF, "endpoint " + e.getMessage());
            }
        });
    }

    private static UpstreamEndpoint byAddress(List<UpstreamEndpoint> endpoints, InetSocketAddress address) {
        for (UpstreamEndpoint e : endpoints) {
            if (e.address().equals(address)) {
                return e;
            }
        }
        return null;
    }

    private String describe(UpstreamEndpoint endpoint, Throwable cause, ConnectFailure why) {
        String m = switch (why) {
            case TIMEOUT -> "no answer within " + config.connectTimeout().toMillis() + " ms";
            case REFUSED -> "connection refused";
            case PORTS_EXHAUSTED -> "local ephemeral ports exhausted for this endpoint (" + (cause.getMessage() != null
                    && cause.getMessage().toLowerCase(Locale.ROOT).contains("address already in use")
                    ? "EADDRINUSE: bound without IP_BIND_ADDRESS_NO_PORT, every port is held for all endpoints" : "EADDRNOTAVAIL")
                    + "; see upstream_port_pressure_ratio and GET /diag/sockets)";
            case SOURCE_UNAVAILABLE -> source.unavailable();
            default -> String.valueOf(cause.getMessage());
        };
        return "endpoint " + endpoint.label() + ": " + m;
    }

    /** The bootstrap for an endpoint's address family on this loop (for a dual-stack dial, the IPv6 one: the dialer picks sockets by address). */
    private Bootstrap bootstrap(EventLoop loop, InetSocketAddress to) {
        Bootstrap[] pair = bootstraps.computeIfAbsent(loop, l -> new Bootstrap[] {newBootstrap(l, false), newBootstrap(l, true)});
        return pair[to != null && to.getAddress() instanceof Inet6Address ? 1 : 0];
    }

    private Bootstrap newBootstrap(EventLoop loop, boolean ipv6) {
        Bootstrap b = source.configure(new Bootstrap())
                .group(loop)
                .channelFactory(transport.socketChannelFactory(ipv6))
                .disableResolver() // endpoints are resolved addresses; skip the resolver-group lookup per connect
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(bufferBytes / 2, bufferBytes))
                .handler(PLACEHOLDER);
        if (bufferBytes < 65536) { // else Netty's default (64, 2048, 64 KiB): setting it costs two handle objects per connect
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, bufferBytes));
        }
        if (!tcpNoDelay) {
            b.option(ChannelOption.TCP_NODELAY, false); // Netty turns it on for every socket; one setsockopt saved
        }
        return b;
    }
}
