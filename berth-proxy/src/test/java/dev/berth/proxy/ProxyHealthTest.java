package dev.berth.proxy;

import static dev.berth.proxy.ProxyHarness.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.config.OutlierDetectionConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.testing.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health through the whole proxy, against real backends that are killed and restarted: active
 * checks, outlier ejection, panic mode, the max_pending breaker, endpoint removal, and what
 * {@code /clusters} and {@code /metrics} show of it. Intervals are short (100 ms) to keep it fast;
 * waits are bounded polls, never sleeps.
 */
@Timeout(60)
class ProxyHealthTest {

    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final Duration INTERVAL = Duration.ofMillis(100);
    // The rule is interval × threshold (+ one interval); the rest is scheduling slack on a busy machine.
    private static final Duration SLACK = Duration.ofMillis(700);

    @TempDir
    Path dir;

    private ProxyServer proxy;
    private final List<FakeUpstream> upstreams = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stopNow();
        }
        for (FakeUpstream u : upstreams) {
            u.close();
        }
    }

    private FakeUpstream echo(InetSocketAddress at) throws IOException {
        FakeUpstream u = new FakeUpstream(at, new FakeUpstream.Echo());
        upstreams.add(u);
        return u;
    }

    private FakeUpstream echo() throws IOException {
        return echo(new InetSocketAddress(V4, 0));
    }

    private static InetSocketAddress deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    private Path accessLog() {
        return dir.resolve("access.log");
    }

    private InetSocketAddress start(ClusterConfig cluster) throws Exception {
        return start(cluster, host -> {
            throw new UnknownHostException(host);
        });
    }

    private InetSocketAddress start(ClusterConfig cluster, dev.berth.proxy.cluster.ClusterManager.NameResolver resolver) throws Exception {
        ProxyConfig config = TestConfigs.config(TestConfigs.listener("127.0.0.1", "backend", accessLog()), cluster);
        proxy = ProxyServer.start(config, 1, resolver);
        return proxy.listener("in").boundAddress();
    }

    private Cluster backend() {
        return proxy.clusters().cluster("backend");
    }

    private UpstreamEndpoint endpointAt(int port) {
        return backend().endpoints().stream().filter(e -> e.address().getPort() == port).findFirst().orElseThrow();
    }

    private boolean inRotation(int port) {
        return backend().candidates().stream().anyMatch(e -> e.address().getPort() == port);
    }

    private String admin(String path) throws Exception {
        InetSocketAddress a = proxy.admin().boundAddress();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode clusterJson() throws Exception {
        return json.readTree(admin("/clusters")).get("clusters").get(0);
    }

    private JsonNode endpointJson(int port) throws Exception {
        for (JsonNode e : clusterJson().get("endpoints")) {
            if (e.get("address").asText().endsWith(":" + port)) {
                return e;
            }
        }
        throw new AssertionError("no endpoint with port " + port);
    }

    private List<JsonNode> records() throws IOException {
        if (!Files.exists(accessLog())) {
            return List.of();
        }
        return Files.readAllLines(accessLog()).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private List<JsonNode> awaitRecords(int n) {
        return await().atMost(Duration.ofSeconds(10)).until(this::records, r -> r.size() >= n);
    }

    private static HealthCheckConfig fastTcpCheck() {
        return HealthCheckConfig.tcp().withTiming(INTERVAL, Duration.ofMillis(500), 2, 2);
    }

    @Test
    void aKilledEndpointLeavesRotationWithinTheThresholdAndReturnsAfterItsPassesWhileEveryClientIsServed() throws Exception {
        FakeUpstream a = echo();
        FakeUpstream b = echo();
        int portA = a.port();
        InetSocketAddress p = start(TestConfigs.cluster("backend", List.of(a.address(), b.address())).withHealthCheck(fastTcpCheck()));
        await().atMost(Duration.ofSeconds(5)).until(() -> "healthy".equals(endpointAt(portA).checkStatus())
                && "healthy".equals(endpointAt(b.port()).checkStatus()));

        a.close();
        long killed = System.nanoTime();
        // Leaves within interval × unhealthy_threshold (+ one interval): 300 ms, plus slack.
        await().atMost(INTERVAL.multipliedBy(3).plus(SLACK)).pollInterval(Duration.ofMillis(5)).until(() -> !inRotation(portA));
        Duration detection = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(detection).as("two failed checks, an interval apart").isGreaterThanOrEqualTo(INTERVAL.minusMillis(20));
        assertThat(endpointJson(portA).get("health_check").asText()).isEqualTo("unhealthy");
        assertThat(endpointJson(portA).get("healthy").asBoolean()).isFalse();
        assertThat(endpointJson(portA).get("last_check_error").asText()).isEqualTo("connection refused");

        // During the outage every client is served by the healthy endpoint, at the first attempt.
        for (int i = 0; i < 6; i++) {
            assertThat(exchange(p, ("hi" + i).getBytes())).isEqualTo(("hi" + i).getBytes());
        }
        assertThat(awaitRecords(6)).allSatisfy(r -> {
            assertThat(r.get("upstream").asText()).isEqualTo("127.0.0.1:" + b.port());
            assertThat(r.get("connect_attempts").asInt()).isEqualTo(1);
            assertThat(r.get("reason").asText()).isEqualTo("DC");
        });

        // Back on the same port: in rotation again after healthy_threshold passes.
        echo(new InetSocketAddress(V4, portA));
        long restarted = System.nanoTime();
        await().atMost(INTERVAL.multipliedBy(3).plus(SLACK)).pollInterval(Duration.ofMillis(5)).until(() -> inRotation(portA));
        assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("two passed checks").isGreaterThanOrEqualTo(INTERVAL.minusMillis(20));
        for (int i = 0; i < 4; i++) {
            assertThat(exchange(p, "again".getBytes())).isEqualTo("again".getBytes());
        }
        assertThat(awaitRecords(10).subList(6, 10)).extracting(r -> r.get("upstream").asText())
                .contains("127.0.0.1:" + portA, "127.0.0.1:" + b.port());

        String metrics = admin("/metrics");
        assertThat(metrics).contains(
                "health_check_transitions_total{cluster=\"backend\",to=\"unhealthy\"} 1.0",
                "health_check_transitions_total{cluster=\"backend\",to=\"healthy\"} 1.0",
                "cluster_endpoint_healthy{cluster=\"backend\",endpoint=\"127.0.0.1:" + portA + "\"} 1.0",
                "cluster_endpoints_healthy{cluster=\"backend\"} 2.0",
                "# HELP health_check_total ");
        assertThat(backend().stats().healthCheckFailures()).isGreaterThanOrEqualTo(2);
        assertThat(metrics).contains("health_check_failure_total{cluster=\"backend\"} ");
    }

    @Test
    void theEndpointHealthGaugeShowsAnUnhealthyEndpointAsZero() throws Exception {
        FakeUpstream b = echo();
        InetSocketAddress dead = deadEndpoint();
        start(TestConfigs.cluster("backend", List.of(dead, b.address())).withHealthCheck(fastTcpCheck()));
        await().atMost(Duration.ofSeconds(5)).until(() -> !inRotation(dead.getPort()));
        assertThat(admin("/metrics")).contains(
                "cluster_endpoint_healthy{cluster=\"backend\",endpoint=\"127.0.0.1:" + dead.getPort() + "\"} 0.0",
                "cluster_endpoint_healthy{cluster=\"backend\",endpoint=\"127.0.0.1:" + b.port() + "\"} 1.0",
                "cluster_panic{cluster=\"backend\"} 0.0");
    }

    @Test
    void consecutiveConnectFailuresEjectAnEndpointUntilItsEjectionEnds() throws Exception {
        FakeUpstream b = echo();
        InetSocketAddress dead = deadEndpoint();
        ClusterConfig c = TestConfigs.cluster("backend", List.of(dead, b.address()))
                .withOutlierDetection(new OutlierDetectionConfig(2, Duration.ofSeconds(2), Duration.ofSeconds(300), 50));
        InetSocketAddress p = start(c);
        // Round robin: every other client meets the dead endpoint first and is retried on the live one.
        int served = 0;
        while (inRotation(dead.getPort())) {
            assertThat(exchange(p, "x".getBytes())).isEqualTo("x".getBytes());
            assertThat(++served).as("ejected after two failures").isLessThanOrEqualTo(4);
        }
        long ejected = System.nanoTime();
        JsonNode e = endpointJson(dead.getPort());
        assertThat(e.get("ejected").asBoolean()).isTrue();
        assertThat(e.get("healthy").asBoolean()).isFalse();
        assertThat(e.get("times_ejected").asInt()).isEqualTo(1);
        assertThat(e.get("health_check").asText()).isEqualTo("unchecked");
        assertThat(e.get("ejection_remaining_ms").asLong()).isBetween(0L, 2000L);
        assertThat(admin("/metrics")).contains("outlier_ejections_total{cluster=\"backend\"} 1.0");

        // While it is out, clients go straight to the live endpoint.
        int before = awaitRecords(served).size();
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(p, "y".getBytes())).isEqualTo("y".getBytes());
        }
        assertThat(awaitRecords(before + 3).subList(before, before + 3))
                .allSatisfy(r -> assertThat(r.get("connect_attempts").asInt()).isEqualTo(1));

        // The ejection ends by itself (base_ejection_time 2 s for the first).
        await().atMost(Duration.ofSeconds(6)).until(() -> inRotation(dead.getPort()));
        assertThat(Duration.ofNanos(System.nanoTime() - ejected)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void belowThePanicThresholdTrafficGoesToEveryEndpoint() throws Exception {
        FakeUpstream live = echo();
        InetSocketAddress dead1 = deadEndpoint();
        InetSocketAddress dead2 = deadEndpoint();
        InetSocketAddress p = start(TestConfigs.cluster("backend", List.of(dead1, dead2, live.address())).withHealthCheck(fastTcpCheck()));
        await().atMost(Duration.ofSeconds(5)).until(() -> "unhealthy".equals(endpointAt(dead1.getPort()).checkStatus())
                && "unhealthy".equals(endpointAt(dead2.getPort()).checkStatus()));
        assertThat(backend().panic()).as("1 of 3 healthy is below 50%").isTrue();
        assertThat(backend().candidates()).hasSize(3);
        JsonNode cluster = clusterJson();
        assertThat(cluster.get("panic").asBoolean()).isTrue();
        assertThat(cluster.get("healthy_endpoints").asInt()).isEqualTo(1);
        assertThat(cluster.get("panic_threshold").asInt()).isEqualTo(50);
        assertThat(admin("/metrics")).contains("cluster_panic{cluster=\"backend\"} 1.0");
        // Clients are still served: connect_attempts (3) covers the two dead endpoints.
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(p, "p".getBytes())).isEqualTo("p".getBytes());
        }
    }

    @Test
    void overMaxPendingClosesTheClientWithUO() throws Exception {
        // A listener whose accept queue is full drops SYNs: a connect to it stays pending.
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
            InetSocketAddress p = start(base.withLimits(100, 1, 50, Duration.ZERO));
            try (Socket waiting = new Socket()) {
                waiting.connect(p, 5000);
                await().atMost(Duration.ofSeconds(5)).until(() -> backend().pendingConnections() == 1);
                assertThat(clusterJson().get("pending_connections").asInt()).isEqualTo(1);
                try (Socket second = new Socket()) {
                    second.connect(p, 5000);
                    second.setSoTimeout(10_000);
                    assertThat(second.getInputStream().read()).isEqualTo(-1);
                }
                JsonNode r = awaitRecords(1).getFirst();
                assertThat(r.get("reason").asText()).isEqualTo("UO");
                assertThat(r.get("detail").asText()).isEqualTo("cluster backend has max_pending 1 clients waiting for a connect");
                assertThat(admin("/metrics")).contains(
                        "upstream_cx_pending_overflow_total{cluster=\"backend\"} 1.0",
                        "upstream_cx_overflow_total{cluster=\"backend\"} 1.0",
                        "upstream_cx_pending{cluster=\"backend\"} 1.0");
            }
            // The waiting client left: its slot is free again.
            await().atMost(Duration.ofSeconds(5)).until(() -> backend().pendingConnections() == 0);
        } finally {
            for (Socket f : fillers) {
                f.close();
            }
            hole.close();
        }
    }

    @Test
    void anEndpointThatLeavesTheClusterKeepsItsConnectionsUntilTheRemovalGraceEnds() throws Exception {
        FakeUpstream a = echo();
        AtomicReference<InetAddress[]> answer = new AtomicReference<>(new InetAddress[] {V4});
        ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                List.of(new EndpointConfig("app.test", a.port(), 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 100, 3, Duration.ofMinutes(1))
                .withLimits(100, 1024, 50, Duration.ofMillis(500));
        InetSocketAddress p = start(c, host -> answer.get());
        try (Socket s = new Socket()) {
            s.connect(p, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);

            // The name moves elsewhere: the old address gets no new connections...
            answer.set(new InetAddress[] {InetAddress.ofLiteral("127.0.0.9")});
            long removed = System.nanoTime();
            proxy.clusters().refresh(backend());
            assertThat(backend().endpoints()).extracting(UpstreamEndpoint::label).containsExactly("127.0.0.9:" + a.port());
            JsonNode draining = clusterJson().get("draining_endpoints");
            assertThat(draining).hasSize(1);
            assertThat(draining.get(0).get("address").asText()).isEqualTo("127.0.0.1:" + a.port());
            // ...its open one keeps working until the grace ends, then is closed with DR.
            s.getOutputStream().write(2);
            assertThat(s.getInputStream().read()).isEqualTo(2);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - removed)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        }
        JsonNode r = awaitRecords(1).getFirst();
        assertThat(r.get("reason").asText()).isEqualTo("DR");
        assertThat(r.get("detail").asText()).isEqualTo("endpoint removed from the cluster; endpoint_removal_grace ended");
    }

    @Test
    void withoutARemovalGraceConnectionsToARemovedEndpointStayOpen() throws Exception {
        FakeUpstream a = echo();
        AtomicReference<InetAddress[]> answer = new AtomicReference<>(new InetAddress[] {V4});
        ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                List.of(new EndpointConfig("app.test", a.port(), 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 100, 3, Duration.ofMinutes(1));
        InetSocketAddress p = start(c, host -> answer.get());
        try (Socket s = new Socket()) {
            s.connect(p, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
            answer.set(new InetAddress[] {InetAddress.ofLiteral("127.0.0.9")});
            proxy.clusters().refresh(backend());
            for (int i = 0; i < 5; i++) {
                s.getOutputStream().write(i);
                assertThat(s.getInputStream().read()).isEqualTo(i);
            }
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(awaitRecords(1).getFirst().get("reason").asText()).isEqualTo("DC");
    }

    @Test
    void anEndpointThatDnsAddsIsCheckedFromThenOn() throws Exception {
        FakeUpstream a = echo();
        AtomicReference<InetAddress[]> answer = new AtomicReference<>(new InetAddress[] {V4});
        ClusterConfig c = new ClusterConfig("backend", ClusterConfig.Discovery.DNS,
                List.of(new EndpointConfig("app.test", a.port(), 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 100, 3, Duration.ofMinutes(1)).withHealthCheck(fastTcpCheck());
        start(c, host -> answer.get());
        await().atMost(Duration.ofSeconds(5)).until(() -> "healthy".equals(endpointAt(a.port()).checkStatus()));

        // 127.0.0.2 has nothing listening on the port: once the name also resolves to it, its checks fail.
        answer.set(new InetAddress[] {V4, InetAddress.ofLiteral("127.0.0.2")});
        proxy.clusters().refresh(backend());
        assertThat(backend().endpoints()).hasSize(2);
        UpstreamEndpoint added = backend().endpoints().get(1);
        assertThat(added.label()).isEqualTo("127.0.0.2:" + a.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> "unhealthy".equals(added.checkStatus()));
        assertThat(backend().candidates()).extracting(UpstreamEndpoint::label).containsExactly("127.0.0.1:" + a.port());
        assertThat(endpointJson(a.port()).get("source").asText()).isEqualTo("app.test:" + a.port());
        assertThat(admin("/metrics")).contains(
                "cluster_endpoint_healthy{cluster=\"backend\",endpoint=\"127.0.0.2:" + a.port() + "\"} 0.0");

        // When the name stops resolving to it, it is no longer checked.
        answer.set(new InetAddress[] {V4});
        proxy.clusters().refresh(backend());
        long checks = backend().stats().healthChecks();
        await().atMost(Duration.ofSeconds(5)).until(() -> backend().stats().healthChecks() >= checks + 3);
        assertThat(added.checkStatus()).isEqualTo("unhealthy");
        assertThat(admin("/metrics")).doesNotContain("endpoint=\"127.0.0.2:");
    }

    @Test
    void newEndpointsCanBeMadeToWaitForAPassingCheck() throws Exception {
        FakeUpstream live = echo();
        InetSocketAddress dead = deadEndpoint();
        HealthCheckConfig waiting = new HealthCheckConfig(HealthCheckConfig.Type.TCP, INTERVAL, Duration.ofMillis(500), 2, 2,
                Duration.ZERO, false, null, null, null, List.of());
        ClusterConfig c = TestConfigs.cluster("backend", List.of(dead, live.address())).withHealthCheck(waiting)
                .withLimits(100, 1024, 0, Duration.ZERO);
        InetSocketAddress p = start(c);
        await().atMost(Duration.ofSeconds(5)).until(() -> inRotation(live.port())
                && "unhealthy".equals(endpointAt(dead.getPort()).checkStatus()));
        assertThat(inRotation(dead.getPort())).as("never passed a check").isFalse();
        assertThat(admin("/metrics")).as("it never was healthy, so nothing changed")
                .contains("health_check_transitions_total{cluster=\"backend\",to=\"unhealthy\"} 0.0");
        for (int i = 0; i < 4; i++) {
            assertThat(exchange(p, "ok".getBytes())).isEqualTo("ok".getBytes());
        }
        assertThat(awaitRecords(4)).allSatisfy(r -> assertThat(r.get("connect_attempts").asInt()).isEqualTo(1));
    }

    @Test
    void clustersJsonShowsLimitsAndHealth() throws Exception {
        FakeUpstream a = echo();
        start(TestConfigs.cluster("backend", List.of(a.address())).withHealthCheck(fastTcpCheck())
                .withOutlierDetection(OutlierDetectionConfig.defaults()));
        await().atMost(Duration.ofSeconds(5)).until(() -> "healthy".equals(endpointAt(a.port()).checkStatus()));
        JsonNode c = clusterJson();
        assertThat(c.get("health_check").asText()).isEqualTo("tcp");
        assertThat(c.get("outlier_detection").asBoolean()).isTrue();
        assertThat(c.get("max_pending").asInt()).isEqualTo(1024);
        assertThat(c.get("pending_connections").asInt()).isZero();
        assertThat(c.get("panic").asBoolean()).isFalse();
        JsonNode e = c.get("endpoints").get(0);
        assertThat(e.get("healthy").asBoolean()).isTrue();
        assertThat(e.get("health_check").asText()).isEqualTo("healthy");
        assertThat(e.get("last_check_error").isNull()).isTrue();
        assertThat(e.get("ejected").asBoolean()).isFalse();
        assertThat(e.get("consecutive_failures").asInt()).isZero();
        assertThat(c.get("draining_endpoints")).isEmpty();
    }
}
