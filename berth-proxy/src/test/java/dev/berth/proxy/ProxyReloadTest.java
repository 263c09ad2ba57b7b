package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.config.ConfigSource;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.reload.ReloadResult;
import dev.berth.testing.FakeUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload through a real configuration file: what changes, what stays (sockets, established
 * connections), what an invalid file or an unbindable address does, and a reload loop under load.
 */
@Timeout(90)
class ProxyReloadTest {

    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");

    @TempDir
    Path dir;

    private Path file;
    private ProxyServer proxy;
    private FakeUpstream a;
    private FakeUpstream b;
    private int adminPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void backends() throws IOException {
        a = new FakeUpstream(V4, new FakeUpstream.Greet("A".getBytes(StandardCharsets.US_ASCII)));
        b = new FakeUpstream(V4, new FakeUpstream.Greet("B".getBytes(StandardCharsets.US_ASCII)));
        file = dir.resolve("berth.yaml");
        adminPort = freePort();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stopNow();
        }
        a.close();
        b.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return s.getLocalPort();
        }
    }

    /** A listener entry; {@code extra} lines are indented under it. */
    private String listener(String name, int port, String cluster, String... extra) {
        StringBuilder sb = new StringBuilder()
                .append("  - name: ").append(name).append('\n')
                .append("    address: 127.0.0.1:").append(port).append('\n')
                .append("    cluster: ").append(cluster).append('\n')
                .append("    access_log: ").append(dir.resolve("access.log")).append('\n');
        for (String line : extra) {
            sb.append("    ").append(line).append('\n');
        }
        return sb.toString();
    }

    private static String cluster(String name, FakeUpstream... endpoints) {
        return "  - name: " + name + "\n    endpoints: ["
                + String.join(", ", Arrays.stream(endpoints).map(u -> "127.0.0.1:" + u.port()).toList()) + "]\n";
    }

    private void write(String listeners, String clusters) throws IOException {
        Files.writeString(file, "admin:\n  address: 127.0.0.1:" + adminPort + "\n"
                + "listeners:\n" + listeners
                + "clusters:\n" + clusters
                + "shutdown:\n  accept_grace: 0\n  drain_timeout: 20s\n");
    }

    private void start() throws Exception {
        proxy = ProxyServer.start(ConfigSource.file(file), 1, host -> {
            throw new UnknownHostException(host);
        });
    }

    /** Connects from {@code source}, reads the backend's one-letter greeting, checks an echo; returns the letter. */
    private static String exchange(InetSocketAddress to, String source, int bytes, Random random) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
            s.connect(to, 5000);
            s.setSoTimeout(10_000);
            byte[] data = new byte[bytes];
            random.nextBytes(data);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            byte[] got = s.getInputStream().readAllBytes();
            if (got.length != bytes + 1 || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length), data)) {
                throw new IOException("corrupted or short echo: " + got.length + " bytes for " + bytes);
            }
            return new String(got, 0, 1, StandardCharsets.US_ASCII);
        }
    }

    private static String exchange(InetSocketAddress to) throws IOException {
        return exchange(to, "127.0.0.1", 64, new Random(1));
    }

    /** An open connection that greets and then echoes whatever it is sent. */
    private static final class LongLived implements AutoCloseable {
        final Socket socket = new Socket();
        final String greeting;

        LongLived(InetSocketAddress to) throws IOException {
            socket.connect(to, 5000);
            socket.setSoTimeout(10_000);
            greeting = new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII);
        }

        void roundTrip(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(bytes.length), StandardCharsets.US_ASCII)).isEqualTo(text);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * For a failure message: stops the proxy (which flushes its access log) and reads the
     * records that did not end in a clean FIN after one connect attempt.
     */
    private List<String> abnormalRecords() {
        proxy.stopNow();
        try {
            List<String> all = Files.readAllLines(dir.resolve("access.log"));
            List<String> out = new ArrayList<>(all.stream().filter(l -> !l.contains("\"termination\":\"fin\"") || !l.contains("\"connect_attempts\":1,") || l.contains("bytes_sent\":0")).limit(20).toList());
            out.add("(" + all.size() + " records in all)");
            return out;
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }

    private String metrics() {
        return proxy.metrics().scrape();
    }

    @Test
    void aClusterChangeTakesNewConnectionsAtOnceWhileEstablishedOnesAndTheSocketStay() throws Exception {
        int port = freePort();
        write(listener("in", port, "backend"), cluster("backend", a));
        start();
        ProxyListener before = proxy.listener("in");
        InetSocketAddress in = before.boundAddress();
        assertThat(exchange(in)).isEqualTo("A");
        try (LongLived established = new LongLived(in)) {
            assertThat(established.greeting).isEqualTo("A");

            write(listener("in", port, "backend"), cluster("backend", b));
            ReloadResult r = proxy.reload("test");

            assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.RELOADED);
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.changes()).containsExactly("cluster 'backend': endpoints changed");
            assertThat(exchange(in)).isEqualTo("B");
            established.roundTrip("still here");
            assertThat(proxy.listener("in")).isSameAs(before);
            assertThat(proxy.clusters().cluster("backend").endpoints()).singleElement()
                    .satisfies(e -> assertThat(e.address()).isEqualTo(b.address()));
        }
        JsonNode dump = get("/config_dump");
        assertThat(dump.get("version").asLong()).isEqualTo(2);
        assertThat(dump.get("source").asText()).isEqualTo(file.toString());
        assertThat(dump.get("config").get("clusters").get(0).get("endpoints").toString()).contains(":" + b.port());
        assertThat(metrics()).contains("config_reload_total 1.0", "config_version 2.0", "upstream_cx_total{cluster=\"backend\"} 3.0");
        // The same file again changes nothing.
        assertThat(proxy.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
        assertThat(proxy.configVersion()).isEqualTo(2);
    }

    @Test
    void anInvalidFileChangesNothingIsCountedAndPostReloadAnswersWithTheErrors() throws Exception {
        int port = freePort();
        write(listener("in", port, "backend"), cluster("backend", a));
        start();
        InetSocketAddress in = proxy.listener("in").boundAddress();

        Files.writeString(file, Files.readString(file).replace("127.0.0.1:" + a.port(), "127.0.0.1:70000")
                .replace("drain_timeout: 20s", "drain_timeout: soon"));
        HttpResponse<String> res = post("/reload");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = new ObjectMapper().readTree(res.body());
        assertThat(body.get("outcome").asText()).isEqualTo("rejected");
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("errors")).hasSize(2);
        assertThat(body.get("errors").get(0).asText()).startsWith(file + ":").contains("clusters[0].endpoints[0]", "70000");
        assertThat(body.get("errors").get(1).asText()).contains("shutdown.drain_timeout", "soon");
        assertThat(metrics()).contains("config_reload_failures_total 1.0", "config_version 1.0");
        assertThat(exchange(in)).isEqualTo("A");
        assertThat(get("/config_dump").get("version").asLong()).isEqualTo(1);

        write(listener("in", port, "backend"), cluster("backend", b));
        res = post("/reload");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(res.body()).get("outcome").asText()).isEqualTo("reloaded");
        assertThat(exchange(in)).isEqualTo("B");
        assertThat(post("/drain").statusCode()).isEqualTo(202); // the admin endpoint still answers the rest
    }

    @Test
    void aMovedListenerBindsItsNewAddressFirstAndTheOldOneDrainsARemovedOneStopsAnAddedOneServes() throws Exception {
        int p1 = freePort();
        int extra = freePort();
        write(listener("in", p1, "backend") + listener("extra", extra, "backend"), cluster("backend", a));
        start();
        InetSocketAddress old = proxy.listener("in").boundAddress();
        try (LongLived established = new LongLived(old)) {
            int p2 = freePort();
            int added = freePort();
            write(listener("in", p2, "backend") + listener("added", added, "backend"), cluster("backend", a));
            ReloadResult r = proxy.reload("test");

            assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.RELOADED);
            assertThat(r.changes()).containsExactly("listener 'in': address changed", "listener 'added' added", "listener 'extra' removed");
            established.roundTrip("the old socket's connection lives on");
            assertThat(exchange(new InetSocketAddress(V4, p2))).isEqualTo("A");
            assertThat(exchange(new InetSocketAddress(V4, added))).isEqualTo("A");
            // accept_grace is 0: the old addresses stop accepting at once.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThatThrownBy(() -> exchange(old)).isInstanceOf(ConnectException.class);
                assertThatThrownBy(() -> exchange(new InetSocketAddress(V4, extra))).isInstanceOf(ConnectException.class);
            });
            assertThat(proxy.listeners()).extracting(l -> l.config().name()).containsExactly("in", "added");
        }
        // The old listener's connection, closed by the client, leaves nothing open behind.
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.openConnections() == 0);
    }

    @Test
    void aNewAddressThatCannotBeBoundRejectsTheWholeReload() throws Exception {
        int port = freePort();
        write(listener("in", port, "backend"), cluster("backend", a));
        start();
        InetSocketAddress in = proxy.listener("in").boundAddress();
        try (ServerSocket taken = new ServerSocket(0, 1, V4)) {
            write(listener("in", port, "backend") + listener("second", taken.getLocalPort(), "backend"), cluster("backend", b));
            ReloadResult r = proxy.reload("test");

            assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
            assertThat(r.errors()).singleElement().asString().contains("127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(exchange(in)).isEqualTo("A"); // the cluster change in the same file did not happen either
        assertThat(proxy.listeners()).hasSize(1);
        assertThat(proxy.configVersion()).isEqualTo(1);
        assertThat(metrics()).contains("config_reload_failures_total 1.0");
    }

    @Test
    void aPolicyChangeAppliesToTheNextConnectionOnTheSameSocket() throws Exception {
        int port = freePort();
        write(listener("in", port, "backend"), cluster("backend", a));
        start();
        InetSocketAddress in = proxy.listener("in").boundAddress();
        assertThat(exchange(in, "127.0.0.2", 16, new Random(2))).isEqualTo("A");

        write(listener("in", port, "backend", "policy: {deny: [127.0.0.2]}"), cluster("backend", a));
        assertThat(proxy.reload("test").changes()).containsExactly("listener 'in': policy changed");

        assertThatThrownBy(() -> exchange(in, "127.0.0.2", 16, new Random(2))).isInstanceOf(IOException.class);
        assertThat(exchange(in, "127.0.0.3", 16, new Random(3))).isEqualTo("A");
        assertThat(a.accepted()).isEqualTo(2); // the denied client never reached the backend
    }

    @Test
    void aListenerRenamedOnTheSameAddressKeepsItsSocket() throws Exception {
        int port = freePort();
        write(listener("in", port, "backend"), cluster("backend", a));
        start();
        ProxyListener before = proxy.listener("in");
        try (LongLived established = new LongLived(before.boundAddress())) {
            write(listener("inbound", port, "backend"), cluster("backend", a));
            assertThat(proxy.reload("test").changes()).containsExactly("listener 'inbound' added", "listener 'in' removed");

            assertThat(proxy.listener("inbound")).isSameAs(before);
            assertThat(exchange(before.boundAddress())).isEqualTo("A");
            established.roundTrip("same socket");
        }
        assertThat(metrics()).contains("downstream_cx_total{listener=\"inbound\"} 1.0");
    }

    /**
     * The acceptance test: clients open and use connections without pause while the file
     * is reloaded again and again, valid and invalid; not one connection fails or sees a wrong
     * byte, and a connection opened before the first reload is still there after the last.
     */
    @Test
    void reloadsUnderLoadFailNoConnectionCorruptNoByteAndKeepLongLivedOnes() throws Exception {
        int port = freePort();
        int second = freePort();
        String valid1 = listener("in", port, "backend");
        write(valid1, cluster("backend", a));
        start();
        InetSocketAddress in = proxy.listener("in").boundAddress();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(2);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            clients.add(Thread.ofPlatform().name("client-" + t).start(() -> {
                Random random = new Random(id);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                running.countDown();
                // Bounded: at most 20,000 connections or 40 s, whichever comes first.
                for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < end; i++) {
                    try {
                        String backend = exchange(in, "127.0.0.1", 1 + random.nextInt(4096), random);
                        ok.incrementAndGet();
                        if (!seen.contains(backend)) {
                            seen.add(backend);
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        running.await();
        List<ReloadResult.Outcome> outcomes = new ArrayList<>();
        try (LongLived established = new LongLived(in)) {
            String[] steps = {
                valid1 + "__" + cluster("backend", b),
                "listeners: [\n",                                                                // YAML syntax error
                valid1 + listener("second", second, "backend") + "__" + cluster("backend", a, b),
                listener("in", port, "nowhere") + "__" + cluster("backend", a),                // names a missing cluster
                listener("in", port, "backend", "buffer_bytes: 16KiB", "idle_timeout: 10m") + "__" + cluster("backend", a),
                valid1 + "__" + cluster("backend", b),
            };
            for (String step : steps) {
                int before = ok.get();
                // Let some traffic pass between reloads, bounded in time.
                await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= before + 50 || !failures.isEmpty());
                if (step.contains("__")) {
                    String[] parts = step.split("__");
                    write(parts[0], parts[1]);
                } else {
                    Files.writeString(file, step);
                }
                outcomes.add(proxy.reload("test").outcome());
                established.roundTrip("after reload " + outcomes.size());
            }
            int before = ok.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= before + 50 || !failures.isEmpty());
        } finally {
            stop.set(true);
            for (Thread c : clients) {
                c.join();
            }
        }
        assertThat(failures).as(() -> "failed clients; access log records that did not end normally:\n"
                + String.join("\n", abnormalRecords())).isEmpty();
        assertThat(outcomes).containsExactly(ReloadResult.Outcome.RELOADED, ReloadResult.Outcome.REJECTED, ReloadResult.Outcome.RELOADED,
                ReloadResult.Outcome.REJECTED, ReloadResult.Outcome.RELOADED, ReloadResult.Outcome.RELOADED);
        assertThat(seen).contains("A", "B");
        assertThat(ok.get()).isGreaterThan(300);
        assertThat(proxy.configVersion()).isEqualTo(5);
        assertThat(metrics()).contains("config_reload_failures_total 2.0", "config_reload_total 4.0");
    }
}
