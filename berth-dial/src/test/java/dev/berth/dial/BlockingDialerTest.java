package dev.berth.dial;

import static dev.berth.dial.LoopbackPeers.V4;
import static dev.berth.dial.LoopbackPeers.V6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testing.Loopback;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-Java racer over real loopback sockets. */
@Timeout(30)
class BlockingDialerTest {

    private LoopbackPeers peers;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Loopback.ipv6Available()).as("IPv6 loopback").isTrue();
        peers = LoopbackPeers.onFreePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        peers.close();
    }

    private static FakeResolver both() {
        return new FakeResolver().answer(Family.IPV6, "::1").answer(Family.IPV4, "127.0.0.1");
    }

    private void assertCleanSince(long fdsBefore, SocketChannel... open) throws Exception {
        for (SocketChannel ch : open) {
            ch.close();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(LoopbackPeers.synSentTo(peers.port)).isZero();
            assertThat(LoopbackPeers.openFds()).isLessThanOrEqualTo(fdsBefore);
        });
    }

    @Test
    void bothUpConnectsOverIpv6AndReturnsABlockingChannelThatWorks() throws Exception {
        ServerSocketChannel server = peers.listen(V6);
        peers.listen(V4);
        long fds = LoopbackPeers.openFds();
        SocketChannel ch = new BlockingDialer(both(), DialOptions.defaults(), DialListener.NONE).dial("dual.test", peers.port);
        assertThat(ch.isBlocking()).isTrue();
        assertThat(((InetSocketAddress) ch.getRemoteAddress()).getAddress()).isEqualTo(V6);
        ch.write(ByteBuffer.wrap(new byte[] {42}));
        server.configureBlocking(true);
        try (SocketChannel accepted = server.accept()) {
            ByteBuffer b = ByteBuffer.allocate(1);
            accepted.read(b);
            assertThat(b.get(0)).isEqualTo((byte) 42);
        }
        assertCleanSince(fds, ch);
    }

    @Test
    void blackHoledIpv6FallsBackAfterTheDelayAndClosesTheLoser() throws Exception {
        peers.blackHole(V6);
        peers.listen(V4);
        long fds = LoopbackPeers.openFds();
        long t0 = System.nanoTime();
        SocketChannel ch = new BlockingDialer(both(), DialOptions.defaults(), DialListener.NONE).dial("dual.test", peers.port);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(((InetSocketAddress) ch.getRemoteAddress()).getAddress()).isEqualTo(V4);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(249)).isLessThan(Duration.ofMillis(750));
        assertThat(LoopbackPeers.synSentTo(peers.port)).as("loser closed before returning").isZero();
        assertCleanSince(fds, ch);
    }

    @Test
    void refusedIpv6FallsBackAtOnce() throws Exception {
        peers.listen(V4);
        long t0 = System.nanoTime();
        SocketChannel ch = new BlockingDialer(both(), DialOptions.defaults().withAttemptDelay(Duration.ofSeconds(1)), DialListener.NONE)
                .dial("dual.test", peers.port);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        assertThat(((InetSocketAddress) ch.getRemoteAddress()).getAddress()).isEqualTo(V4);
        ch.close();
    }

    @Test
    void allRefusedThrowsWithEveryAttempt() throws Exception {
        long fds = LoopbackPeers.openFds();
        assertThatThrownBy(() -> new BlockingDialer(both(), DialOptions.defaults(), DialListener.NONE).dial("dual.test", peers.port))
                .isInstanceOfSatisfying(DialException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DialException.Kind.ALL_ATTEMPTS_FAILED);
                    assertThat(e.attempts()).extracting(AttemptRecord::outcome)
                            .containsExactly(AttemptOutcome.REFUSED, AttemptOutcome.REFUSED);
                });
        assertCleanSince(fds);
    }

    @Test
    void deadlineWithEverythingBlackHoled() throws Exception {
        peers.blackHole(V6);
        peers.blackHole(V4);
        long fds = LoopbackPeers.openFds();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new BlockingDialer(both(), DialOptions.defaults().withTimeout(Duration.ofMillis(600)), DialListener.NONE)
                .dial("dual.test", peers.port))
                .isInstanceOfSatisfying(DialException.class, e -> assertThat(e.kind()).isEqualTo(DialException.Kind.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(599)).isLessThan(Duration.ofMillis(1200));
        assertCleanSince(fds);
    }

    @Test
    void interruptingTheCallerCancelsTheDial() throws Exception {
        peers.blackHole(V6);
        peers.blackHole(V4);
        long fds = LoopbackPeers.openFds();
        Thread[] dialer = new Thread[1];
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        dialer[0] = Thread.ofPlatform().start(() -> {
            try {
                new BlockingDialer(both(), DialOptions.defaults().withAttemptDelay(Duration.ofMillis(20)), DialListener.NONE)
                        .dial("dual.test", peers.port);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        await().until(() -> LoopbackPeers.synSentTo(peers.port) == 2);
        dialer[0].interrupt();
        assertThat(outcome.get()).isInstanceOf(InterruptedIOException.class);
        assertCleanSince(fds);
    }
}
