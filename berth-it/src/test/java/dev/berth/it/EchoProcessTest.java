package dev.berth.it;

import static dev.berth.it.Clients.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code berth echo} as a real process: bytes, concurrency, half-close, memory bounds, limits, timeouts. */
@Timeout(120)
class EchoProcessTest {

    private static final int SIXTEEN_MIB = 16 << 20;

    /** Writes {@code total} seeded-random bytes and reads the echo concurrently; returns both digests. */
    private static void assertEchoesExactly(Socket s, long total, long seed) throws Exception {
        MessageDigest sent = Clients.sha256();
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            MessageDigest d = Clients.sha256();
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            try {
                InputStream in = s.getInputStream();
                int n;
                while ((n = in.read(buf)) != -1) {
                    d.update(buf, 0, n);
                    got += n;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(got).isEqualTo(total);
            return d.digest();
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
        assertThat(received.get()).isEqualTo(sent.digest());
    }

    @Test
    void sixteenMebibytesComeBackExactlyOverIpv4AndIpv6() throws Exception {
        boolean v6 = Loopback.ipv6Available();
        List<String> args = new ArrayList<>(List.of("echo", "--bind", "127.0.0.1", "--port", "0"));
        if (v6) {
            args.addAll(List.of("--bind", "::1"));
        }
        try (BerthProcess berth = BerthProcess.start(args.toArray(String[]::new))) {
            List<Integer> ports = berth.awaitListeningPorts(v6 ? 2 : 1);
            try (Socket s = connect("127.0.0.1", ports.get(0))) {
                assertEchoesExactly(s, SIXTEEN_MIB, 4);
            }
            if (v6) {
                try (Socket s = connect("::1", ports.get(1))) {
                    assertEchoesExactly(s, SIXTEEN_MIB, 6);
                }
            }
            JsonNode closed = berth.awaitRecord("connection closed");
            assertThat(closed.get("bytes_in").asLong()).isEqualTo(SIXTEEN_MIB);
            assertThat(closed.get("bytes_out").asLong()).isEqualTo(SIXTEEN_MIB);
            assertThat(closed.get("reason").asText()).isEqualTo("client");
        }
    }

    @Test
    void sixteenMebibytesComeBackExactlyOnTheNioTransport() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(withJvmFlag("-Dberth.transport=nio",
                "echo", "--bind", "127.0.0.1", "--port", "0", "--log-format", "json"));
        try (BerthProcess berth = BerthProcess.start(pb)) {
            int port = berth.awaitListeningPorts(1).getFirst();
            assertThat(berth.records("listening").getFirst().get("transport").asText()).isEqualTo("nio");
            try (Socket s = connect("127.0.0.1", port)) {
                assertEchoesExactly(s, SIXTEEN_MIB, 9);
            }
        }
    }

    @Test
    void aTransportThatCannotRunFallsBackWithAWarningNamingTheCause() throws Exception {
        // Netty's switch that keeps every native transport from loading stands in for a seccomp
        // profile denying io_uring: the server must still start, on the best transport left.
        ProcessBuilder pb = new ProcessBuilder(withJvmFlag("-Dio.netty.transport.noNative=true",
                "echo", "--bind", "127.0.0.1", "--port", "0", "--transport", "io_uring", "--log-format", "json"));
        try (BerthProcess berth = BerthProcess.start(pb)) {
            int port = berth.awaitListeningPorts(1).getFirst();
            JsonNode warning = berth.records("transport not available, using another").getFirst();
            assertThat(warning.get("level").asText()).isEqualTo("WARN");
            assertThat(warning.get("requested").asText()).isEqualTo("io_uring");
            assertThat(warning.get("using").asText()).isEqualTo("nio");
            assertThat(warning.get("cause").asText()).contains("noNative");
            assertThat(berth.records("listening").getFirst().get("transport").asText()).isEqualTo("nio");
            try (Socket s = connect("127.0.0.1", port)) {
                assertEchoesExactly(s, 1 << 20, 3);
            }
        }
    }

    @Test
    void fiveHundredConcurrentClientsEachGetTheir64KiBBack() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = berth.awaitListeningPorts(1).getFirst();
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int client = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[64 * 1024];
                    new Random(client).nextBytes(data);
                    try (Socket s = connect("127.0.0.1", port)) {
                        CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                            try {
                                return s.getInputStream().readAllBytes();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }, pool);
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        return Arrays.equals(back.get(), data);
                    }
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        }
    }

    @Test
    void halfCloseEchoesEverythingThenClosesAndLogsPeerAsJsonFields() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0")) {
            int port = berth.awaitListeningPorts(1).getFirst();
            JsonNode listening = berth.records("listening").getFirst();
            assertThat(listening.get("address").asText()).isEqualTo("127.0.0.1:" + port);
            assertThat(listening.get("reachable_from").asText()).isEqualTo("this host only");
            int clientPort;
            try (Socket s = connect("127.0.0.1", port)) {
                clientPort = s.getLocalPort();
                s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hi");
            }
            JsonNode opened = berth.awaitRecord("connection opened");
            assertThat(opened.get("peer_ip").asText()).isEqualTo("127.0.0.1");
            assertThat(opened.get("peer_port").asInt()).isEqualTo(clientPort);
            assertThat(opened.get("local").asText()).isEqualTo("127.0.0.1:" + port);
            JsonNode closed = berth.awaitRecord("connection closed");
            assertThat(closed.get("peer_port").asInt()).isEqualTo(clientPort);
            assertThat(closed.get("bytes_in").asInt()).isEqualTo(2);
            assertThat(closed.get("bytes_out").asInt()).isEqualTo(2);
            assertThat(closed.get("reason").asText()).isEqualTo("client");
            assertThat(closed.get("duration_ms").isIntegralNumber()).isTrue();
            for (JsonNode r : berth.records()) {
                assertThat(r.fieldNames()).toIterable().contains("ts", "level", "logger", "msg");
            }
        }
    }

    @Test
    void aClientThatWritesWithoutReadingIsPushedBackAndServerMemoryStaysBounded() throws Exception {
        long total = 256L << 20;
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0");
             Socket s = connect("127.0.0.1", berth.awaitListeningPorts(1).getFirst())) {
            long rssBefore = berth.rssBytes();
            AtomicLong written = new AtomicLong();
            MessageDigest sentDigest = Clients.sha256();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                Random random = new Random(256);
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = s.getOutputStream();
                    for (long left = total; left > 0; left -= chunk.length) {
                        random.nextBytes(chunk);
                        sentDigest.update(chunk);
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The writer stalls: nothing reads the echo, so the server stops reading and the
            // kernel's windows fill. "Stalled" = no progress for a full second.
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                long now = written.get();
                boolean stalled = now == last[0];
                last[0] = now;
                return stalled;
            });
            long stalledAt = written.get();
            long rssStalled = berth.rssBytes();
            // Socket buffers on both sides (a few MiB on loopback) plus the server's 128 KiB bound;
            // without back-pressure the client would push all 256 MiB into the server's memory.
            assertThat(stalledAt).as("bytes accepted before the client was pushed back").isLessThan(32L << 20);
            assertThat(rssStalled - rssBefore).as("server RSS growth while stalled").isLessThan(48L << 20);

            // Now read: the rest flows and every byte comes back in order.
            MessageDigest got = Clients.sha256();
            byte[] buf = new byte[64 * 1024];
            long received = 0;
            InputStream in = s.getInputStream();
            int n;
            while ((n = in.read(buf)) != -1) {
                got.update(buf, 0, n);
                received += n;
            }
            writer.get();
            assertThat(received).isEqualTo(total);
            assertThat(got.digest()).isEqualTo(sentDigest.digest());
            assertThat(berth.rssBytes() - rssBefore).as("server RSS growth after 256 MiB").isLessThan(64L << 20);
        }
    }

    @Test
    void overMaxConnectionsIsClosedAtOnceLoggedAndCounted() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--max-connections", "2")) {
            int port = berth.awaitListeningPorts(1).getFirst();
            try (Socket a = connect("127.0.0.1", port); Socket b = connect("127.0.0.1", port)) {
                for (Socket s : List.of(a, b)) {
                    s.getOutputStream().write(7);
                    assertThat(s.getInputStream().read()).isEqualTo(7);
                }
                try (Socket c = connect("127.0.0.1", port)) {
                    assertThat(c.getInputStream().read()).as("third connection closed at once").isEqualTo(-1);
                }
                JsonNode rejected = berth.awaitRecord("connection rejected");
                assertThat(rejected.get("reason").asText()).isEqualTo("limit");
                assertThat(rejected.get("level").asText()).isEqualTo("WARN");
                assertThat(rejected.get("peer_ip").asText()).isEqualTo("127.0.0.1");
                // Served connections keep working.
                a.getOutputStream().write(8);
                assertThat(a.getInputStream().read()).isEqualTo(8);
            }
        }
    }

    @Test
    void idleConnectionsAreClosedWithIdleTimeoutReason() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--idle-timeout", "300ms")) {
            int port = berth.awaitListeningPorts(1).getFirst();
            try (Socket s = connect("127.0.0.1", port)) {
                s.getOutputStream().write(1);
                assertThat(s.getInputStream().read()).isEqualTo(1);
                assertThat(s.getInputStream().read()).as("server closes the idle connection").isEqualTo(-1);
            }
            JsonNode closed = berth.awaitRecord("connection closed");
            assertThat(closed.get("reason").asText()).isEqualTo("idle_timeout");
            assertThat(closed.get("duration_ms").asLong()).isBetween(250L, 10_000L);
        }
    }

    static String[] withJvmFlag(String flag, String... args) {
        List<String> cmd = new ArrayList<>(BerthProcess.command(args));
        cmd.add(1, flag);
        return cmd.toArray(String[]::new);
    }
}
