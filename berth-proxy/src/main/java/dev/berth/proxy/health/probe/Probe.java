package dev.berth.proxy.health.probe;

import dev.berth.dial.DialException;
import dev.berth.dial.DialListener;
import dev.berth.dial.DialOptions;
import dev.berth.dial.Family;
import dev.berth.dial.NettyDialer;
import dev.berth.dial.Resolver;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.observe.ConnectFailure;
import dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder;
import dev.berth.proxy.upstream.SourceBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One kind of active check (a cluster's {@code health_check}), run against one endpoint at a
 * time on one event loop: connect, then the TCP or HTTP exchange, the whole of it bounded by
 * {@code timeout}. The connection is closed when the check ends, passed or not.
 *
 * <p>An endpoint resolved from a host name is connected through the Happy Eyeballs dialer
 * (berth-dial), like the data path, restricted to that endpoint's own address: every address of
 * a name is an endpoint of its own and is checked on its own, so a black-holed IPv6 address is
 * found unhealthy while the IPv4 one stays in rotation (Envoy checks only a name's first
 * address, envoy#30743). An IP endpoint is connected directly.
 */
public final class Probe {

    private final HealthCheckConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final long timeoutNanos;
    private final byte[] localHeader;
    private final SourceBinding source;

    public Probe(HealthCheckConfig config, EventLoop loop, Class<? extends Channel> channelType) {
        this(config, ClusterConfig.ProxyProtocol.NONE, loop, channelType);
    }

    /** The probe of {@code cluster}'s {@code health_check}: its PROXY protocol, and its {@code source_address}, as its connections have. */
    public Probe(ClusterConfig cluster, EventLoop loop, Class<? extends Channel> channelType) {
        this(cluster.healthCheck(), cluster.proxyProtocol(), SourceBinding.of(cluster.name(), cluster.sourceAddress(), channelType),
                loop, channelType);
    }

    /**
     * @param proxyProtocol what the cluster's connections start with; a check then opens with the
     *     LOCAL header of that version, as HAProxy's checks do, so an endpoint that requires
     *     PROXY protocol accepts it
     */
    public Probe(HealthCheckConfig config, ClusterConfig.ProxyProtocol proxyProtocol, EventLoop loop,
                 Class<? extends Channel> channelType) {
        this(config, proxyProtocol, SourceBinding.NONE, loop, channelType);
    }

    private Probe(HealthCheckConfig config, ClusterConfig.ProxyProtocol proxyProtocol, SourceBinding source, EventLoop loop,
                  Class<? extends Channel> channelType) {
        this.config = config;
        this.source = source;
        this.localHeader = switch (proxyProtocol) {
            case NONE -> null;
            case V1 -> ProxyHeaderEncoder.local(1);
            case V2 -> ProxyHeaderEncoder.local(2);
        };
        this.loop = loop;
        this.timeoutNanos = config.timeout().toNanos();
        this.bootstrap = source.configure(new Bootstrap())
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeout().toMillis())));
    }

    /**
     * Checks {@code endpoint} once. The future always succeeds with a {@link ProbeResult} (pass
     * or fail), on the probe's event loop, no later than {@code timeout} after the check starts;
     * cancelling it abandons the check and closes its connection.
     */
    public Future<ProbeResult> check(UpstreamEndpoint endpoint) {
        Promise<ProbeResult> promise = loop.newPromise();
        loop.execute(() -> new Run(endpoint, promise).begin());
        return promise;
    }

    /** An error in words, without Netty's decorations: {@code connection refused}, {@code connect timed out}. */
    static String describe(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        String m = String.valueOf(cause.getMessage());
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "connection refused";
        }
        if (lower.contains("connection reset")) {
            return "connection reset by the endpoint";
        }
        if (lower.contains("cannot assign requested address")) {
            return "local ephemeral ports exhausted for this endpoint (EADDRNOTAVAIL)";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : m;
    }

    private static boolean fromName(UpstreamEndpoint e) {
        try {
            InetAddress.ofLiteral(e.sourceHost());
            return false;
        } catch (IllegalArgumentException notALiteral) {
            return true;
        }
    }

    /** Sends the PROXY protocol LOCAL header first thing, before the check's own bytes. */
    private static final class LocalHeader extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final byte[] header;

        LocalHeader(byte[] header) {
            this.header = header;
        }

        @Override
        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(header));
            ctx.pipeline().remove(this);
            ctx.fireChannelActive();
        }
    }

    /** One check in progress; everything runs on the loop. */
    private final class Run implements Verdict {
        private final UpstreamEndpoint endpoint;
        private final Promise<ProbeResult> promise;
        private Channel channel;
        private Future<Channel> dialing;
        private ScheduledFuture<?> deadline;
        private boolean connected;

        Run(UpstreamEndpoint endpoint, Promise<ProbeResult> promise) {
            this.endpoint = endpoint;
            this.promise = promise;
        }

        void begin() {
            if (promise.isDone()) {
                return; // cancelled before it started
            }
            promise.addListener(f -> cleanup());
            long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
            deadline = loop.schedule(() -> fail(connected ? "no answer within " + ms + " ms" : "connect timed out after " + ms + " ms"),
                    timeoutNanos, TimeUnit.NANOSECONDS);
            ChannelInitializer<Channel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (localHeader != null) {
                        ch.pipeline().addLast(new LocalHeader(localHeader));
                    }
                    if (config.type() == HealthCheckConfig.Type.HTTP) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpExchange(config, endpoint.source(), Run.this));
                    } else {
                        ch.pipeline().addLast(new TcpExchange(config, Run.this));
                    }
                }
            };
            if (fromName(endpoint)) {
                dial(init);
            } else {
                ChannelFuture f = bootstrap.clone().handler(init).connect(endpoint.address(), source.localFor(endpoint.address()));
                channel = f.channel();
                f.addListener(done -> {
                    if (!done.isSuccess() && !done.isCancelled()) {
                        fail(source.failure(done.cause(), endpoint.address()) == ConnectFailure.SOURCE_UNAVAILABLE
                                ? source.unavailable() : describe(done.cause()));
                    }
                });
            }
        }

        private void dial(ChannelInitializer<Channel> init) {
            InetAddress ip = endpoint.address().getAddress();
            Family family = Family.of(ip);
            Resolver onlyThisAddress = (host, f) -> CompletableFuture.completedFuture(f == family ? List.of(ip) : List.of());
            DialOptions options = DialOptions.defaults().withFamilies(Set.of(family)).withPreferred(family)
                    .withResolutionDelay(Duration.ZERO).withTimeout(Duration.ofNanos(timeoutNanos));
            dialing = new NettyDialer(onlyThisAddress, options, DialListener.NONE)
                    .dial(bootstrap.clone().handler(init).localAddress(source.localFor(endpoint.address())),
                            endpoint.sourceHost(), endpoint.address().getPort());
            dialing.addListener(done -> {
                if (done.isSuccess()) {
                    active(dialing.getNow());
                } else if (!done.isCancelled()) {
                    fail(done.cause() instanceof DialException e && !e.attempts().isEmpty() && e.attempts().getFirst().error() != null
                            ? e.attempts().getFirst().error() : describe(done.cause()));
                }
            });
        }

        @Override
        public void active(Channel ch) {
            channel = ch;
            connected = true;
            if (promise.isDone()) {
                ch.close();
            }
        }

        @Override
        public void pass(String detail) {
            promise.trySuccess(ProbeResult.pass(detail));
        }

        @Override
        public void fail(String detail) {
            promise.trySuccess(ProbeResult.fail(detail));
        }

        private void cleanup() {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (dialing != null) {
                dialing.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
        }
    }
}
