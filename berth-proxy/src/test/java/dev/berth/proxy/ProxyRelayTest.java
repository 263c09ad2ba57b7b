package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.testing.FakeUpstream;
import dev.berth.server.transport.Transport;
import dev.berth.testing.Loopback;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The relay over real loopback sockets: exact bytes, half-close, resets, back-pressure. */
@Timeout(120)
class ProxyRelayTest {

    @TempDir
    Path dir;

    private ProxyServer proxy;
    private final List<FakeUpstream> upstreams = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stopNow();
        }
        for (FakeUpstream u : upstreams) {
            u.close();
        }
    }

    FakeUpstream upstream(String ip, FakeUpstream.Behaviour b) throws IOException {
        FakeUpstream u = new FakeUpstream(InetAddress.ofLiteral(ip), b);
        upstreams.add(u);
        return u;
    }

    ProxyServer proxy() {
        return proxy;
    }

    Path accessLog() {
        return dir.resolve("access.log");
    }

    InetSocketAddress start(ProxyConfig config) throws Exception {
        proxy = ProxyServer.start(config, 1, transport(), host -> {
            throw new java.net.UnknownHostException(host);
        });
        return proxy.listener("in").boundAddress();
    }

    InetSocketAddress start(String listenIp, FakeUpstream... ups) throws Exception {
        ClusterConfig c = TestConfigs.cluster("backend", Arrays.stream(ups).map(FakeUpstream::address).toList());
        return start(TestConfigs.config(TestConfigs.listener(listenIp, "backend", accessLog()).withZeroCopy(zeroCopy()), c));
    }

    /** The transport under test: the best here ({@code -Dberth.transport} can choose); {@link ProxyRelayIoUringTest} runs io_uring. */
    Transport transport() {
        return Transport.best();
    }

    /** The relay under test: the copying one here; {@link ProxyRelaySpliceTest} runs every test spliced. */
    ListenerConfig.ZeroCopy zeroCopy() {
        return ListenerConfig.ZeroCopy.OFF;
    }

    static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket();
        s.connect(a, 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** The access-log records written so far. */
    private List<JsonNode> records() throws IOException {
        if (!Files.exists(accessLog())) {
            return List.of();
        }
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(accessLog())) {
            out.add(m.readTree(line));
        }
        return out;
    }

    JsonNode awaitRecord() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> records().isEmpty() ? null : records().getLast(), r -> r != null);
    }

    /** Writes {@code total} random bytes while reading the echo; both SHA-256s must match. */
    static void roundTrip(Socket s, long total, long seed) throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[64 * 1024];
                InputStream in = s.getInputStream();
                long n = 0;
                int r;
                while ((r = in.read(buf)) != -1) {
                    d.update(buf, 0, r);
                    n += r;
                }
                assertThat(n).isEqualTo(total);
                return d.digest();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = s.getOutputStream();
        for (long left = total; left > 0; ) {
            random.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            sent.update(chunk, 0, n);
            left -= n;
        }
        s.shutdownOutput();
        assertThat(got.get()).isEqualTo(sent.digest());
    }

    @ParameterizedTest(name = "listener {0}, endpoint {1}")
    @CsvSource({"127.0.0.1, 127.0.0.1", "::1, ::1", "127.0.0.1, ::1", "::1, 127.0.0.1"})
    void sixtyFourMebibytesBothWaysAtOnceArriveExactly(String listen, String endpoint) throws Exception {
        assumeThat(Loopback.ipv6Available() || !(listen + endpoint).contains(":")).isTrue();
        InetSocketAddress proxyAddress = start(listen, upstream(endpoint, new FakeUpstream.Echo()));
        try (Socket s = connect(proxyAddress)) {
            roundTrip(s, 64L << 20, 64);
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("bytes_received").asLong()).isEqualTo(64L << 20);
        assertThat(r.get("bytes_sent").asLong()).isEqualTo(64L << 20);
        assertThat(r.get("reason").asText()).isEqualTo("DC");
        assertThat(r.get("termination").asText()).isEqualTo("fin");
        assertThat(r.get("first_fin").asText()).isEqualTo("downstream");
        assertThat(r.get("upstream").asText()).endsWith(":" + upstreams.getFirst().port());
        assertThat(r.get("upstream_local").asText()).isNotEqualTo("null");
    }

    @Test
    void aThousandConcurrentConnectionsEachEcho64KiB() throws Exception {
        InetSocketAddress proxyAddress = start("127.0.0.1", upstream("127.0.0.1", new FakeUpstream.Echo()));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[64 * 1024];
                    new Random(seed).nextBytes(data);
                    try (Socket s = connect(proxyAddress)) {
                        CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                            try {
                                return s.getInputStream().readAllBytes();
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        }, pool);
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        return Arrays.equals(back.get(), data);
                    }
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
        await().until(() -> proxy.openConnections() == 0);
    }

    @Test
    void clientHalfCloseIsForwardedAndTheOtherDirectionKeepsFlowing() throws Exception {
        // The endpoint answers only after the client's FIN: the reply flows after the half-close.
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Reply(1 << 20, 3));
        try (Socket s = connect(start("127.0.0.1", up))) {
            s.getOutputStream().write("request".getBytes());
            s.shutdownOutput();
            await().until(() -> !up.connections().isEmpty() && up.connections().getFirst().sawFin);
            assertThat(s.getInputStream().readAllBytes()).hasSize(1 << 20);
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("first_fin").asText()).as(r.toString()).isEqualTo("downstream");
        assertThat(r.get("termination").asText()).isEqualTo("fin");
        assertThat(up.connections().getFirst().bytesRead.get()).isEqualTo(7);
    }

    @Test
    void upstreamFinIsForwardedAndTheClientCanKeepSending() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Source(1000, 4));
        try (Socket s = connect(start("127.0.0.1", up))) {
            assertThat(s.getInputStream().readAllBytes()).as("upstream's bytes, then FIN").hasSize(1000);
            byte[] late = new byte[300_000];
            s.getOutputStream().write(late);
            s.shutdownOutput();
            await().until(() -> up.connections().getFirst().done);
            assertThat(up.connections().getFirst().bytesRead.get()).isEqualTo(late.length);
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("first_fin").asText()).isEqualTo("upstream");
        assertThat(r.get("reason").asText()).isEqualTo("UC");
        assertThat(r.get("bytes_received").asLong()).isEqualTo(300_000);
    }

    @Test
    void anUpstreamResetReachesTheClientAsAReset() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.ResetAfter(5));
        try (Socket s = connect(start("127.0.0.1", up))) {
            s.getOutputStream().write("hello".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("reason").asText()).isEqualTo("UC");
        assertThat(r.get("termination").asText()).isEqualTo("rst");
    }

    @Test
    void aClientResetReachesTheUpstreamAsAReset() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Sink());
        Socket s = connect(start("127.0.0.1", up));
        s.getOutputStream().write("some bytes".getBytes());
        await().until(() -> !up.connections().isEmpty() && up.connections().getFirst().bytesRead.get() == 10);
        s.setSoLinger(true, 0);
        s.close();
        await().until(() -> up.connections().getFirst().done);
        assertThat(up.connections().getFirst().sawReset).as("upstream saw a reset, not a FIN").isTrue();
        JsonNode r = awaitRecord();
        assertThat(r.get("reason").asText()).isEqualTo("DC");
        assertThat(r.get("termination").asText()).isEqualTo("rst");
    }

    @Test
    void serverSpeaksFirstProtocolsWork() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Greet("220 ready\r\n".getBytes()));
        try (Socket s = connect(start("127.0.0.1", up))) {
            byte[] greeting = s.getInputStream().readNBytes(11);
            assertThat(new String(greeting)).isEqualTo("220 ready\r\n");
        }
    }

    @Test
    void aSlowClientStopsReadsFromAFastUpstreamAndProxyMemoryStaysBounded() throws Exception {
        long total = 256L << 20;
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Source(total, 5));
        try (Socket s = connect(start("127.0.0.1", up))) {
            s.setReceiveBufferSize(64 * 1024);
            await().until(() -> !up.connections().isEmpty());
            AtomicLong written = up.connections().getFirst().bytesWritten;
            awaitStalled(written);
            assertThat(written.get()).as("bytes the upstream got out before being pushed back").isLessThan(32L << 20);
            assertThat(nettyDirectMemory()).as("Netty direct memory while stalled").isLessThan(16L << 20);
            // Now read it all: everything arrives.
            assertThat(readToEnd(s.getInputStream())).isEqualTo(total);
        }
    }

    /** Waits until {@code counter} stops moving (the writer was pushed back). */
    static void awaitStalled(AtomicLong counter) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = counter.get();
            boolean stalled = now == last[0];
            last[0] = now;
            return stalled;
        });
    }

    /** Reads until EOF; the number of bytes. */
    static long readToEnd(InputStream in) throws IOException {
        long got = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) != -1) {
            got += n;
        }
        return got;
    }

    private static long nettyDirectMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : 0;
    }
}
