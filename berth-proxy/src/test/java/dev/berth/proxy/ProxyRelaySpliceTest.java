package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.testing.FakeUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Every relay test of {@link ProxyRelayTest} — exact bytes both ways at once, half-close both
 * ways, resets, back-pressure with bounded memory, access-log byte counts — with the
 * zero-copy relay from the first byte (on epoll; under {@code -Dberth.transport=nio} the
 * same tests show the fallback to copying), plus what only splicing can get wrong: fds and
 * pipes released, a switch in mid-stream, EOF behind bytes still in the pipe.
 */
class ProxyRelaySpliceTest extends ProxyRelayTest {

    @Override
    ListenerConfig.ZeroCopy zeroCopy() {
        return ListenerConfig.ZeroCopy.ALWAYS;
    }

    private static boolean epoll() {
        return dev.berth.server.transport.Transport.best() == dev.berth.server.transport.Transport.EPOLL;
    }

    /** Open fds of this process, and how many of them are pipes. */
    private static long[] fds() throws IOException {
        long all = 0;
        long pipes = 0;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : list.toList()) {
                all++;
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith("pipe:")) {
                        pipes++;
                    }
                } catch (IOException gone) {
                    // the fd of the listing itself, or one closed meanwhile
                }
            }
        }
        return new long[] {all, pipes};
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void manySplicedConnectionsLeaveNoFdOrPipeBehind() throws Exception {
        InetSocketAddress proxyAddress = start("127.0.0.1", upstream("127.0.0.1", new FakeUpstream.Echo()));
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        assertThat(ProxyHarness.exchange(proxyAddress, data)).isEqualTo(data); // warm: access log open, loops started
        await().until(() -> proxy().openConnections() == 0);
        long[] before = fds();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                results.add(pool.submit(() -> Arrays.equals(ProxyHarness.exchange(proxyAddress, data), data)));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
        await().until(() -> proxy().openConnections() == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long[] after = fds();
            assertThat(after[1]).as("pipes open (before: %d)", before[1]).isLessThanOrEqualTo(before[1]);
            assertThat(after[0]).as("fds open (before: %d)", before[0]).isLessThanOrEqualTo(before[0]);
        });
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aSlowReaderFillsThePipeAndReadingStopsThenEverythingArrives() throws Exception {
        long total = 64L << 20;
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Source(total, 9));
        long pipesBefore = fds()[1];
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(32 * 1024);
            s.connect(start("127.0.0.1", up), 5000);
            s.setSoTimeout(30_000);
            await().until(() -> !up.connections().isEmpty());
            AtomicLong written = up.connections().getFirst().bytesWritten;
            awaitStalled(written);
            assertThat(written.get()).as("bytes the upstream got out before being pushed back").isLessThan(32L << 20); // kernel socket buffers (autotuned) dominate; the proxy holds one pipe
            if (epoll()) {
                assertThat(fds()[1]).as("two pipes per spliced connection").isGreaterThanOrEqualTo(pipesBefore + 4);
            }
            assertThat(readToEnd(s.getInputStream())).isEqualTo(total);
        }
        assertThat(awaitRecord().get("bytes_sent").asLong()).isEqualTo(total);
    }

    @Test
    void anEndpointFinWaitsBehindTheBytesStillInThePipe() throws Exception {
        long total = 300_000;
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Source(total, 11));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(start("127.0.0.1", up), 5000);
            s.setSoTimeout(30_000);
            // The endpoint writes everything and its FIN while the client reads nothing: the
            // FIN reaches the proxy with bytes queued in front of it.
            await().until(() -> !up.connections().isEmpty() && up.connections().getFirst().bytesWritten.get() == total);
            byte[] all = s.getInputStream().readAllBytes();
            assertThat(all).hasSize((int) total);
            s.shutdownOutput();
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("bytes_sent").asLong()).isEqualTo(total);
        assertThat(r.get("first_fin").asText()).isEqualTo("upstream");
        assertThat(r.get("termination").asText()).isEqualTo("fin");
    }

    @Test
    void autoCopiesFirstThenSplicesInMidStreamWithoutReorderingBytes() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Echo());
        ListenerConfig l = TestConfigs.listener("127.0.0.1", "backend", accessLog()).withZeroCopy(ListenerConfig.ZeroCopy.AUTO);
        InetSocketAddress proxyAddress = start(TestConfigs.config(l, TestConfigs.cluster("backend", List.of(up.address()))));
        try (Socket s = connect(proxyAddress)) {
            roundTrip(s, 32L << 20, 5);
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("bytes_received").asLong()).isEqualTo(32L << 20);
        assertThat(r.get("bytes_sent").asLong()).isEqualTo(32L << 20);
        assertThat(r.get("termination").asText()).isEqualTo("fin");
    }

    @Test
    void manySmallMessagesBackAndForthAreRelayedOneByOne() throws Exception {
        InetSocketAddress proxyAddress = start("127.0.0.1", upstream("127.0.0.1", new FakeUpstream.Echo()));
        try (Socket s = connect(proxyAddress)) {
            s.setTcpNoDelay(true);
            byte[] msg = new byte[64];
            byte[] back = new byte[64];
            for (int i = 0; i < 2000; i++) {
                Arrays.fill(msg, (byte) i);
                s.getOutputStream().write(msg);
                assertThat(s.getInputStream().readNBytes(back, 0, 64)).isEqualTo(64);
                assertThat(back).isEqualTo(msg);
            }
        }
        assertThat(awaitRecord().get("bytes_received").asLong()).isEqualTo(2000 * 64);
    }
}
