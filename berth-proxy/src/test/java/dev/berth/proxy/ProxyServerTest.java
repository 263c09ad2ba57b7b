package dev.berth.proxy;

import static dev.berth.proxy.ProxyHarness.exchange;
import static dev.berth.proxy.ProxyHarness.refusedService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.config.ShutdownConfig;
import dev.berth.testing.FakeUpstream;
import java.io.IOException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Upstream failures and their reason codes, limits, timeouts, the admin endpoint and drain. */
@Timeout(60)
class ProxyServerTest {

    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");

    @TempDir
    Path dir;

    private ProxyServer proxy;
    private final List<FakeUpstream> upstreams = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stopNow();
        }
        for (FakeUpstream u : upstreams) {
            u.close();
        }
    }

    private FakeUpstream echo() throws IOException {
        FakeUpstream u = new FakeUpstream(V4, new FakeUpstream.Echo());
        upstreams.add(u);
        return u;
    }

    private static InetSocketAddress deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return (InetSocketAddress) s.getLocalSocketAddress(); // closed again: connects are refused
        }
    }

    private Path accessLog() {
        return dir.resolve("access.log");
    }

    private InetSocketAddress start(ProxyConfig config) throws Exception {
        proxy = ProxyServer.start(config, 1, host -> {
            throw new UnknownHostException(host);
        });
        return proxy.listener("in").boundAddress();
    }

    private ListenerConfig listener() {
        return TestConfigs.listener("127.0.0.1", "backend", accessLog());
    }

    private JsonNode lastRecord() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.exists(accessLog())) {
                return null;
            }
            List<String> lines = Files.readAllLines(accessLog());
            return lines.isEmpty() ? null : new ObjectMapper().readTree(lines.getLast());
        }, r -> r != null);
    }

    private String admin(String path) throws Exception {
        InetSocketAddress a = proxy.admin().boundAddress();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private int adminStatus(String method, String path) throws Exception {
        InetSocketAddress a = proxy.admin().boundAddress();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aRefusedEndpointIsSkippedForTheNextOne() throws Exception {
        FakeUpstream live = echo();
        InetSocketAddress dead = deadEndpoint();
        ClusterConfig c = TestConfigs.cluster("backend", List.of(dead, live.address()));
        InetSocketAddress p = start(TestConfigs.config(listener(), c));
        // Round robin starts somewhere; two connections are sure to meet the dead endpoint once.
        for (int i = 0; i < 2; i++) {
            assertThat(exchange(p, "ping".getBytes())).isEqualTo("ping".getBytes());
        }
        await().until(() -> Files.exists(accessLog()) && Files.readAllLines(accessLog()).size() == 2);
        List<JsonNode> records = Files.readAllLines(accessLog()).stream().map(l -> {
            try {
                return new ObjectMapper().readTree(l);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).toList();
        assertThat(records).extracting(r -> r.get("connect_attempts").asInt()).contains(2);
        assertThat(records).allSatisfy(r -> assertThat(r.get("upstream").asText()).endsWith(":" + live.port()));
        int failedAttempts = records.stream().mapToInt(r -> r.get("connect_attempts").asInt() - 1).sum();
        assertThat(admin("/metrics")).contains("upstream_cx_connect_fail_total{cluster=\"backend\"} " + failedAttempts + ".0");
    }

    @Test
    void allEndpointsRefusedClosesTheClientWithUF() throws Exception {
        ClusterConfig c = TestConfigs.cluster("backend", List.of(deadEndpoint(), deadEndpoint()));
        InetSocketAddress p = start(TestConfigs.config(listener(), c));
        refusedService(p, "hello".getBytes());
        JsonNode r = lastRecord();
        assertThat(r.get("reason").asText()).isEqualTo("UF");
        assertThat(r.get("connect_attempts").asInt()).isEqualTo(2);
        assertThat(r.get("detail").asText()).contains("connection refused");
        assertThat(admin("/metrics")).contains("upstream_cx_connect_fail_total{cluster=\"backend\"} 2.0");
    }

    @Test
    void noEndpointsClosesTheClientWithUH() throws Exception {
        ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                List.of(new EndpointConfig("nowhere.invalid", 80, 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 100, 3, Duration.ofSeconds(5));
        InetSocketAddress p = start(TestConfigs.config(listener(), c));
        refusedService(p, "x".getBytes());
        assertThat(lastRecord().get("reason").asText()).isEqualTo("UH");
        assertThat(admin("/metrics")).contains("upstream_cx_none_healthy_total{cluster=\"backend\"} 1.0");
    }

    @Test
    void overMaxConnectionsClosesTheClientWithUO() throws Exception {
        FakeUpstream live = echo();
        ClusterConfig c = TestConfigs.maxConnections(TestConfigs.cluster("backend", List.of(live.address())), 1);
        InetSocketAddress p = start(TestConfigs.config(listener(), c));
        try (Socket first = new Socket()) {
            first.connect(p, 5000);
            first.getOutputStream().write(1);
            assertThat(first.getInputStream().read()).isEqualTo(1);
            refusedService(p, "second".getBytes());
            assertThat(lastRecord().get("reason").asText()).isEqualTo("UO");
            assertThat(admin("/metrics")).contains("upstream_cx_overflow_total{cluster=\"backend\"} 1.0");
        }
    }

    @Test
    void anIdleConnectionIsClosedWithIT() throws Exception {
        FakeUpstream live = echo();
        ListenerConfig l = TestConfigs.idle(listener(), Duration.ofMillis(300));
        InetSocketAddress p = start(TestConfigs.config(l, TestConfigs.cluster("backend", List.of(live.address()))));
        try (Socket s = new Socket()) {
            s.connect(p, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(9);
            assertThat(s.getInputStream().read()).isEqualTo(9);
            assertThat(s.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
        }
        JsonNode r = lastRecord();
        assertThat(r.get("reason").asText()).isEqualTo("IT");
        assertThat(r.get("duration_ms").asLong()).isGreaterThanOrEqualTo(250);
    }

    @Test
    void adminAnswersReadyMetricsClustersConfigAndRejectsWrongMethods() throws Exception {
        FakeUpstream live = echo();
        ProxyConfig config = TestConfigs.config(listener(), TestConfigs.cluster("backend", List.of(live.address())));
        InetSocketAddress p = start(config);
        exchange(p, "abc".getBytes());
        lastRecord();
        assertThat(adminStatus("GET", "/ready")).isEqualTo(200);
        String metrics = admin("/metrics");
        assertThat(metrics).contains("downstream_cx_total{listener=\"in\"} 1.0", "upstream_cx_total{cluster=\"backend\"} 1.0",
                "downstream_cx_rx_bytes_total{listener=\"in\"} 3.0", "downstream_cx_active{listener=\"in\"} 0.0",
                "cluster_endpoints{cluster=\"backend\"} 1.0", "netty_direct_memory_used_bytes", "jvm_memory_used_bytes",
                "# HELP downstream_cx_total Client connections accepted by the listener");
        JsonNode clusters = new ObjectMapper().readTree(admin("/clusters"));
        JsonNode endpoint = clusters.get("clusters").get(0).get("endpoints").get(0);
        assertThat(endpoint.get("address").asText()).isEqualTo("127.0.0.1:" + live.port());
        assertThat(endpoint.get("total_connections").asInt()).isEqualTo(1);
        JsonNode dump = new ObjectMapper().readTree(admin("/config_dump"));
        assertThat(dump.get("config").get("clusters").get(0).get("connect_timeout").asText()).isEqualTo("5s");
        assertThat(dump.get("version").asLong()).isEqualTo(1);
        assertThat(dump.get("sha256").asText()).hasSize(64);
        assertThat(adminStatus("POST", "/metrics")).isEqualTo(405);
        assertThat(adminStatus("GET", "/drain")).isEqualTo(405);
        assertThat(adminStatus("GET", "/nope")).isEqualTo(404);
        assertThat(adminStatus("POST", "/drain")).isEqualTo(202);
        assertThat(proxy.drainRequested()).isCompletedWithValue("POST /drain");
    }

    @Test
    void drainTurnsReadyOffLetsATransferFinishAndRefusesNewConnections() throws Exception {
        FakeUpstream live = echo();
        ProxyConfig config = TestConfigs.config(listener(), TestConfigs.cluster("backend", List.of(live.address())),
                new ShutdownConfig(Duration.ofMillis(300), Duration.ofSeconds(10)));
        InetSocketAddress p = start(config);
        try (Socket active = new Socket()) {
            active.connect(p, 5000);
            active.setSoTimeout(10_000);
            active.getOutputStream().write(1);
            assertThat(active.getInputStream().read()).isEqualTo(1);

            CompletableFuture<Void> drained = CompletableFuture.runAsync(proxy::drain);
            await().atMost(Duration.ofSeconds(1)).until(() -> adminStatus("GET", "/ready") == 503);
            // After the accept grace, new connections are refused...
            await().atMost(Duration.ofSeconds(3)).until(() -> refused(p));
            // ...while the open one keeps working, as long as it keeps moving bytes.
            for (int i = 0; i < 5; i++) {
                active.getOutputStream().write(2);
                assertThat(active.getInputStream().read()).isEqualTo(2);
            }
            active.shutdownOutput();
            assertThat(active.getInputStream().read()).isEqualTo(-1);
            drained.get();
        }
        assertThat(proxy.state()).isEqualTo(ProxyServer.State.STOPPED);
        assertThat(lastRecord().get("reason").asText()).isEqualTo("DC");
        proxy = null;
    }

    @Test
    void drainClosesQuietConnectionsAndThenTheRestAtTheDeadlineWithDR() throws Exception {
        FakeUpstream live = echo();
        ProxyConfig config = TestConfigs.config(listener(), TestConfigs.cluster("backend", List.of(live.address())),
                new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(3)));
        InetSocketAddress p = start(config);
        try (Socket quiet = new Socket()) {
            quiet.connect(p, 5000);
            quiet.setSoTimeout(10_000);
            quiet.getOutputStream().write(1);
            assertThat(quiet.getInputStream().read()).isEqualTo(1);
            long t0 = System.nanoTime();
            proxy.drain();
            assertThat(quiet.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
        JsonNode r = lastRecord();
        assertThat(r.get("reason").asText()).isEqualTo("DR");
        proxy = null;
    }

    @Test
    void aBlackHoledEndpointTimesOutWithUT() throws Exception {
        // A listener whose accept queue is full drops further SYNs: connects hang until the timeout.
        ServerSocket hole = new ServerSocket();
        hole.bind(new InetSocketAddress(V4, 0), 1);
        List<Socket> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket f = new Socket();
                f.connect(hole.getLocalSocketAddress(), 2000);
                fillers.add(f);
            }
            ClusterConfig base = TestConfigs.cluster("backend", List.of((InetSocketAddress) hole.getLocalSocketAddress()));
            ClusterConfig c = new ClusterConfig(base.name(), base.discovery(), base.endpoints(), base.lb(), Duration.ofMillis(300),
                    base.maxConnections(), base.connectAttempts(), base.dnsRefresh());
            InetSocketAddress p = start(TestConfigs.config(listener(), c));
            long t0 = System.nanoTime();
            refusedService(p, "x".getBytes());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            JsonNode r = lastRecord();
            assertThat(r.get("reason").asText()).isEqualTo("UT");
            assertThat(r.get("detail").asText()).contains("no answer within 300 ms");
            assertThat(admin("/metrics")).contains("upstream_cx_connect_timeout_total{cluster=\"backend\"} 1.0");
        } finally {
            for (Socket f : fillers) {
                f.close();
            }
            hole.close();
        }
    }

    @Test
    void maxConnectionDurationClosesWithMD() throws Exception {
        FakeUpstream live = echo();
        ListenerConfig base = listener();
        ListenerConfig l = new ListenerConfig(base.name(), base.address(), base.cluster(), base.backlog(), base.idleTimeout(),
                Duration.ofMillis(400), base.bufferBytes(), base.tcpNoDelay(), base.accessLog());
        InetSocketAddress p = start(TestConfigs.config(l, TestConfigs.cluster("backend", List.of(live.address()))));
        try (Socket s = new Socket()) {
            s.connect(p, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(lastRecord().get("reason").asText()).isEqualTo("MD");
    }

    @Test
    void dnsDiscoveryFollowsTheNamesAddresses() throws Exception {
        FakeUpstream a = echo();
        java.util.concurrent.atomic.AtomicReference<InetAddress[]> answer =
                new java.util.concurrent.atomic.AtomicReference<>(new InetAddress[] {V4});
        ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                List.of(new EndpointConfig("app.test", a.port(), 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 100, 3, Duration.ofSeconds(1));
        ProxyConfig config = TestConfigs.config(listener(), c);
        proxy = ProxyServer.start(config, 1, host -> {
            InetAddress[] now = answer.get();
            if (now == null) {
                throw new UnknownHostException(host);
            }
            return now;
        });
        InetSocketAddress p = proxy.listener("in").boundAddress();
        assertThat(exchange(p, "one".getBytes())).isEqualTo("one".getBytes());
        assertThat(a.accepted()).isEqualTo(1);
        // The name now resolves to two addresses: both become endpoints at the next refresh.
        answer.set(new InetAddress[] {V4, InetAddress.ofLiteral("127.0.0.3")});
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clusters().cluster("backend").endpoints().size() == 2);
        assertThat(admin("/clusters")).contains("127.0.0.3:" + a.port(), "\"source\":\"app.test:" + a.port() + "\"");
        // A failed lookup keeps the last endpoints.
        answer.set(null);
        proxy.clusters().refresh(proxy.clusters().cluster("backend"));
        assertThat(proxy.clusters().cluster("backend").endpoints()).hasSize(2);
    }

    @Test
    void aDualStackNameWithABlackHoledAddressFallsBackInAnAttemptDelayNotAConnectTimeout() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.berth.testing.Loopback.ipv6Available(), "IPv6 loopback");
        InetAddress v6 = InetAddress.ofLiteral("::1");
        // One port, two families: [::1]:P drops SYNs (full accept queue), 127.0.0.1:P echoes.
        ServerSocket hole = null;
        FakeUpstream live = null;
        for (int i = 0; i < 20 && live == null; i++) {
            ServerSocket candidate = new ServerSocket();
            candidate.bind(new InetSocketAddress(v6, 0), 1);
            try {
                live = new FakeUpstream(new InetSocketAddress(V4, candidate.getLocalPort()), new FakeUpstream.Echo());
                hole = candidate;
            } catch (IOException taken) {
                candidate.close();
            }
        }
        assertThat(live).isNotNull();
        upstreams.add(live);
        List<Socket> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket f = new Socket();
                f.connect(hole.getLocalSocketAddress(), 2000);
                fillers.add(f);
            }
            ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                    List.of(new EndpointConfig("dual.test", live.port(), 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                    Duration.ofSeconds(5), 100, 3, Duration.ofMinutes(1));
            ProxyConfig config = TestConfigs.config(listener(), c);
            proxy = ProxyServer.start(config, 1, host -> new InetAddress[] {v6, V4});
            InetSocketAddress p = proxy.listener("in").boundAddress();
            for (int i = 0; i < 2; i++) { // round robin puts the black hole first for one of them
                long t0 = System.nanoTime();
                assertThat(exchange(p, "hi".getBytes())).isEqualTo("hi".getBytes());
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("well under connect_timeout 5s").isLessThan(Duration.ofSeconds(2));
            }
            await().until(() -> Files.exists(accessLog()) && Files.readAllLines(accessLog()).size() == 2);
            for (String line : Files.readAllLines(accessLog())) {
                JsonNode r = new ObjectMapper().readTree(line);
                assertThat(r.get("upstream").asText()).isEqualTo("127.0.0.1:" + live.port());
                assertThat(r.get("reason").asText()).isEqualTo("DC");
            }
        } finally {
            for (Socket f : fillers) {
                f.close();
            }
            if (hole != null) {
                hole.close();
            }
        }
    }

    private static boolean refused(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
