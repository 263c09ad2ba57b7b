package dev.berth.dial;

import static dev.berth.dial.LoopbackPeers.V4;
import static dev.berth.dial.LoopbackPeers.V6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testing.Loopback;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Netty racer over real loopback sockets (cases I1-I10), on epoll and NIO. Timing bounds:
 * lower bounds strict, upper bounds generous, because timing is the feature here.
 */
@Timeout(30)
class NettyDialerTest {

    private EventLoopGroup group;
    private LoopbackPeers peers;
    private long fdsBefore;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final DialListener recorder = new DialListener() {
        @Override
        public void attemptStart(InetSocketAddress address, Family family) {
            events.add("start " + family.label());
        }

        @Override
        public void attemptConnected(AttemptRecord attempt, boolean won) {
            events.add((won ? "won " : "late ") + attempt.family().label());
        }

        @Override
        public void attemptFailed(AttemptRecord attempt) {
            events.add("failed " + attempt.family().label() + " " + attempt.outcome().label());
        }

        @Override
        public void attemptCancelled(AttemptRecord attempt) {
            events.add("cancelled " + attempt.family().label() + " " + attempt.outcome().label());
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Loopback.ipv6Available()).as("IPv6 loopback").isTrue();
        peers = LoopbackPeers.onFreePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (peers != null) {
            peers.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private Bootstrap bootstrap(String transport, io.netty.channel.ChannelHandler handler) {
        boolean epoll = transport.equals("epoll");
        if (epoll) {
            assumeThat(Epoll.isAvailable()).as("epoll").isTrue();
        }
        try {
            fdsBefore = LoopbackPeers.openFds(); // peers are set up; the race's own fds come after
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        return new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class).handler(handler);
    }

    private Bootstrap bootstrap(String transport) {
        return bootstrap(transport, new ChannelInboundHandlerAdapter());
    }

    private Future<Channel> dial(Bootstrap b, FakeResolver resolver, DialOptions options) {
        return new NettyDialer(resolver, options, recorder).dial(b, "dual.test", peers.port);
    }

    private static FakeResolver bothLoopbacks() {
        return new FakeResolver().answer(Family.IPV6, "::1").answer(Family.IPV4, "127.0.0.1");
    }

    private void assertNoLeftovers() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(LoopbackPeers.synSentTo(peers.port)).as("sockets left in SYN-SENT").isZero();
        });
    }

    private void assertFdsBackToBaseline(Channel... stillOpen) {
        for (Channel c : stillOpen) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(LoopbackPeers.openFds()).as("open fds").isLessThanOrEqualTo(fdsBefore));
        group = null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i1_bothFamiliesUpConnectsOverIpv6WithOneAttempt(String transport) throws Exception {
        ServerSocketChannel v6 = peers.listen(V6);
        ServerSocketChannel v4 = peers.listen(V4);
        long t0 = System.nanoTime();
        Channel ch = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults()).get();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));
        assertThat(((InetSocketAddress) ch.remoteAddress()).getAddress()).isEqualTo(V6);
        assertThat(events).containsExactly("start ipv6", "won ipv6");
        await().until(() -> LoopbackPeers.accepted(v6) == 1);
        assertThat(LoopbackPeers.accepted(v4)).isZero();
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i2_blackHoledIpv6FallsBackToIpv4AfterTheAttemptDelayAndLeavesNoSynSent(String transport) throws Exception {
        peers.blackHole(V6);
        peers.listen(V4);
        Duration delay = Duration.ofMillis(250);
        long t0 = System.nanoTime();
        Channel ch = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults().withAttemptDelay(delay)).get();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(((InetSocketAddress) ch.remoteAddress()).getAddress()).isEqualTo(V4);
        assertThat(took).isGreaterThanOrEqualTo(delay.minusMillis(1)).isLessThan(delay.plusMillis(500));
        assertThat(events).containsExactly("start ipv6", "start ipv4", "cancelled ipv6 cancelled", "won ipv4");
        assertNoLeftovers();
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i3_refusedIpv6FallsBackAtOnceNotAfterTheDelay(String transport) throws Exception {
        peers.listen(V4);
        long t0 = System.nanoTime();
        Channel ch = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults().withAttemptDelay(Duration.ofSeconds(1))).get();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        assertThat(((InetSocketAddress) ch.remoteAddress()).getAddress()).isEqualTo(V4);
        assertThat(events).containsExactly("start ipv6", "failed ipv6 refused", "start ipv4", "won ipv4");
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i4_allRefusedFailsFastListingEveryAttempt(String transport) throws Exception {
        long t0 = System.nanoTime();
        Future<Channel> f = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults());
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(DialException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        DialException e = (DialException) f.cause();
        assertThat(e.kind()).isEqualTo(DialException.Kind.ALL_ATTEMPTS_FAILED);
        assertThat(e.attempts()).extracting(AttemptRecord::outcome).containsExactly(AttemptOutcome.REFUSED, AttemptOutcome.REFUSED);
        assertThat(e.attempts()).extracting(r -> r.address().getAddress()).containsExactly(V6, V4);
        assertThat(e.getCause().getMessage()).containsIgnoringCase("connection refused");
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e).hasMessageStartingWith("dual.test:" + peers.port + ": all 2 connection attempts failed");
        assertFdsBackToBaseline();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i5_allBlackHoledFailsAtTheDeadlineAndCleansUp(String transport) throws Exception {
        peers.blackHole(V6);
        peers.blackHole(V4);
        long t0 = System.nanoTime();
        Future<Channel> f = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults().withTimeout(Duration.ofSeconds(1)));
        f.await();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(999)).isLessThan(Duration.ofMillis(1500));
        DialException e = (DialException) f.cause();
        assertThat(e.kind()).isEqualTo(DialException.Kind.DEADLINE_EXCEEDED);
        assertThat(e.attempts()).extracting(AttemptRecord::outcome).containsExactly(AttemptOutcome.TIMEOUT, AttemptOutcome.TIMEOUT);
        assertNoLeftovers();
        assertFdsBackToBaseline();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i7_cancellingTheDialClosesEveryAttempt(String transport) throws Exception {
        peers.blackHole(V6);
        peers.blackHole(V4);
        Future<Channel> f = dial(bootstrap(transport), bothLoopbacks(), DialOptions.defaults().withAttemptDelay(Duration.ofMillis(20)));
        await().until(() -> events.size() == 2);
        assertThat(f.cancel(false)).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() == 4);
        assertThat(events).containsExactly("start ipv6", "start ipv4", "cancelled ipv6 cancelled", "cancelled ipv4 cancelled");
        assertNoLeftovers();
        assertFdsBackToBaseline();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i8_theApplicationInitializerRunsOnceOnTheWinnerAndSeesChannelActive(String transport) throws Exception {
        peers.listen(V6);
        peers.listen(V4);
        AtomicInteger initialized = new AtomicInteger();
        AtomicInteger active = new AtomicInteger();
        ChannelInitializer<Channel> app = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                initialized.incrementAndGet();
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        active.incrementAndGet();
                    }
                });
            }
        };
        // A 10 ms delay makes both attempts start; both handshakes complete on loopback.
        Channel ch = dial(bootstrap(transport, app), bothLoopbacks(), DialOptions.defaults().withAttemptDelay(Duration.ofMillis(10))).get();
        await().until(() -> active.get() == 1);
        assertThat(initialized).hasValue(1);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i6_whenBothHandshakesCompleteWhileTheLoopIsBlindExactlyOneWinsAndTheOtherIsClosed(String transport) throws Exception {
        ServerSocketChannel v6 = peers.listen(V6);
        ServerSocketChannel v4 = peers.listen(V4);
        Bootstrap b = bootstrap(transport);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        DialListener blindAfterSecondStart = new DialListener() {
            private int started;

            @Override
            public void attemptStart(InetSocketAddress address, Family family) {
                if (++started == 2) {
                    // Fault injection, not synchronisation: keep the loop busy for 300 ms right after
                    // the second connect is issued, so the kernel completes both handshakes unseen.
                    group.next().execute(() -> {
                        try {
                            never.await(300, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            }
        };
        Channel ch = new NettyDialer(bothLoopbacks(), DialOptions.defaults().withAttemptDelay(Duration.ofMillis(10)),
                DialListener.of(recorder, blindAfterSecondStart)).dial(b, "dual.test", peers.port).get();
        assertThat(ch.isActive()).isTrue();
        // Whatever reached the servers: the winner's connection stays open, any other is closed by
        // the dialer (EOF). Under load the first attempt may win before the second starts; then
        // there is nothing to close, and the scheduler test s12 pins the same rule exactly.
        int winnerPort = ((InetSocketAddress) ch.localAddress()).getPort();
        List<java.nio.channels.SocketChannel> accepted = new java.util.ArrayList<>();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> {
            for (ServerSocketChannel server : List.of(v6, v4)) {
                java.nio.channels.SocketChannel c;
                while ((c = server.accept()) != null) {
                    accepted.add(c);
                }
            }
            return true;
        });
        assertThat(accepted).hasSizeBetween(1, 2);
        for (java.nio.channels.SocketChannel c : accepted) {
            boolean isWinner = ((InetSocketAddress) c.getRemoteAddress()).getPort() == winnerPort;
            c.configureBlocking(true);
            c.socket().setSoTimeout(isWinner ? 200 : 2000);
            if (isWinner) {
                assertThatThrownBy(() -> c.socket().getInputStream().read()).as("the winner stays open")
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            } else {
                assertThat(c.socket().getInputStream().read()).as("the loser is closed").isEqualTo(-1);
            }
            c.close();
        }
        assertThat(events).filteredOn(e -> e.startsWith("won")).hasSize(1);
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void i9_ipv4MappedAnswersAreDialedAsIpv4(String transport) throws Exception {
        peers.listen(V4);
        FakeResolver resolver = new FakeResolver().answer(Family.IPV6, "::1").answer(Family.IPV4, "::ffff:127.0.0.1");
        Channel ch = dial(bootstrap(transport), resolver, DialOptions.defaults()).get();
        assertThat(((InetSocketAddress) ch.remoteAddress()).getAddress()).isEqualTo(V4);
        assertThat(events).containsExactly("start ipv6", "failed ipv6 refused", "start ipv4", "won ipv4");
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aSourceAddressOnTheBootstrapBindsTheAttemptsOfItsFamilyOnly(String transport) throws Exception {
        peers.listen(V4);
        InetAddress source = InetAddress.ofLiteral("127.0.0.2");
        Bootstrap b = bootstrap(transport).localAddress(new InetSocketAddress(source, 0));
        Channel ch = dial(b, bothLoopbacks(), DialOptions.defaults()).get();
        assertThat(((InetSocketAddress) ch.localAddress()).getAddress()).isEqualTo(source);
        // Refused, not a bind error: the IPv6 attempt was a real connect, left unbound.
        assertThat(events).containsExactly("start ipv6", "failed ipv6 refused", "start ipv4", "won ipv4");
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void ipLiteralsAreDialedWithoutResolving(String transport) throws Exception {
        peers.listen(V6);
        FakeResolver resolver = new FakeResolver();
        Channel ch = new NettyDialer(resolver, DialOptions.defaults(), recorder).dial(bootstrap(transport), "[::1]", peers.port).get();
        assertThat(((InetSocketAddress) ch.remoteAddress()).getAddress()).isEqualTo(V6);
        assertThat(resolver.queries).isEmpty();
        assertFdsBackToBaseline(ch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void anUnknownNameIsNoAddresses(String transport) throws Exception {
        FakeResolver resolver = new FakeResolver().unknown(Family.IPV6).unknown(Family.IPV4);
        Future<Channel> f = dial(bootstrap(transport), resolver, DialOptions.defaults()).await();
        DialException e = (DialException) f.cause();
        assertThat(e.kind()).isEqualTo(DialException.Kind.NO_ADDRESSES);
        assertThat(e).hasMessage("dual.test:" + peers.port + ": no addresses (IPv4: unknown host, IPv6: unknown host)");
    }
}
