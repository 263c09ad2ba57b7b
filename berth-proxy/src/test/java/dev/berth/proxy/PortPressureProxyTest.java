package dev.berth.proxy;

import static dev.berth.proxy.ProxyHarness.exchange;
import static dev.berth.proxy.ProxyHarness.refusedService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.config.OutlierDetectionConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.testing.FakeUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy's port awareness on loopback, over epoll and NIO: connections and health checks leave
 * from {@code source_address}; a source address that is not this host's fails with cause
 * {@code source_unavailable}; the gauge and {@code GET /diag/sockets} cover the endpoints.
 * Exhaustion itself needs a tiny port range, so it is tested in a network namespace (berth-it).
 */
@Timeout(60)
class PortPressureProxyTest {

    private static final InetAddress LO = InetAddress.ofLiteral("127.0.0.1");

    @TempDir
    Path dir;

    private ProxyHarness harness;
    private FakeUpstream upstream;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        System.clearProperty("berth.transport");
    }

    private InetSocketAddress start(String transport, ClusterConfig cluster) throws Exception {
        System.setProperty("berth.transport", transport); // read once, when the proxy starts
        harness = new ProxyHarness(dir);
        ProxyConfig config = TestConfigs.config(TestConfigs.listener("127.0.0.1", cluster.name(), harness.accessLog), cluster);
        return harness.start(config);
    }

    private HttpResponse<String> admin(String path) throws Exception {
        InetSocketAddress a = harness.proxy().admin().boundAddress();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"epoll", "nio"})
    void upstreamConnectionsAndHealthChecksLeaveFromTheSourceAddress(String transport) throws Exception {
        try (ServerSocket endpoint = new ServerSocket(0, 50, LO)) {
            InetSocketAddress to = (InetSocketAddress) endpoint.getLocalSocketAddress();
            HealthCheckConfig check = HealthCheckConfig.tcp().withTiming(Duration.ofMillis(200), Duration.ofMillis(500), 2, 2);
            ClusterConfig c = TestConfigs.cluster("pinned", List.of(to)).withHealthCheck(check)
                    .withSourceAddress(InetAddress.ofLiteral("127.0.0.2"));
            start(transport, c);
            // The first connection to arrive is a health check (no client has connected yet).
            try (Socket probe = endpoint.accept()) {
                assertThat(probe.getInetAddress()).isEqualTo(InetAddress.ofLiteral("127.0.0.2"));
            }
        }
        upstream = new FakeUpstream(LO, new FakeUpstream.Echo());
        ClusterConfig c = TestConfigs.cluster("pinned", List.of(upstream.address()))
                .withSourceAddress(InetAddress.ofLiteral("127.0.0.2"));
        harness.close();
        InetSocketAddress p = start(transport, c);
        assertThat(exchange(p, "ping".getBytes())).isEqualTo("ping".getBytes());
        JsonNode r = harness.awaitRecords(1).getLast();
        assertThat(r.get("upstream_local").asText()).startsWith("127.0.0.2:");
        assertThat(r.get("cause").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"epoll", "nio"})
    void aSourceAddressThatIsNotThisHostsFailsWithSourceUnavailableNotPortsExhausted(String transport) throws Exception {
        upstream = new FakeUpstream(LO, new FakeUpstream.Echo());
        // 192.0.2.1 (TEST-NET-1) is on no interface: bind() fails with EADDRNOTAVAIL, and no packet leaves.
        ClusterConfig c = TestConfigs.cluster("pinned", List.of(upstream.address()))
                .withSourceAddress(InetAddress.ofLiteral("192.0.2.1"))
                .withOutlierDetection(new OutlierDetectionConfig(1, Duration.ofSeconds(30), Duration.ofMinutes(5), 100));
        InetSocketAddress p = start(transport, c);
        refusedService(p, "x".getBytes());
        JsonNode r = harness.awaitRecords(1).getLast();
        assertThat(r.get("reason").asText()).isEqualTo("UF");
        assertThat(r.get("cause").asText()).isEqualTo("source_unavailable");
        assertThat(r.get("detail").asText()).isEqualTo("endpoint " + upstream.address().getHostString() + ":" + upstream.port()
                + ": source_address 192.0.2.1 is not an address of this host (EADDRNOTAVAIL at bind)");
        UpstreamEndpoint e = harness.proxy().clusters().cluster("pinned").endpoints().getFirst();
        assertThat(e.outlier().ejected()).as("this host failed, not the endpoint: no ejection").isFalse();
        assertThat(e.connectFailures()).isZero();
        assertThat(harness.metric("upstream_cx_ports_exhausted_total",
                "cluster=\"pinned\",endpoint=\"127.0.0.1:" + upstream.port() + "\"")).isZero();
    }

    @Test
    void aRefusedConnectHasCauseRefused() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            dead = s.getLocalPort();
        }
        InetSocketAddress p = start("epoll", TestConfigs.cluster("app", List.of(new InetSocketAddress(LO, dead))));
        refusedService(p, "x".getBytes());
        JsonNode r = harness.awaitRecords(1).getLast();
        assertThat(r.get("reason").asText()).isEqualTo("UF");
        assertThat(r.get("cause").asText()).isEqualTo("refused");
    }

    @Test
    void theGaugeCoversEachEndpointAndDiagSocketsIsScopedToThem() throws Exception {
        upstream = new FakeUpstream(LO, new FakeUpstream.Echo());
        InetSocketAddress p = start("epoll", TestConfigs.cluster("app", List.of(upstream.address())));
        String endpoint = "127.0.0.1:" + upstream.port();
        try (Socket held = new Socket()) {
            held.connect(p, 5000);
            held.getOutputStream().write(1);
            assertThat(held.getInputStream().read()).isEqualTo(1);

            // Sampled at once, then every 5 s; one socket of ~28,000 ports is a small ratio, but it is there.
            String series = "upstream_port_pressure_ratio{cluster=\"app\",endpoint=\"" + endpoint + "\"}";
            await().atMost(Duration.ofSeconds(20)).until(() -> admin("/metrics").body().contains(series));
            assertThat(admin("/metrics").body()).contains("# HELP upstream_port_pressure_ratio Share of the usable ephemeral ports");

            HttpResponse<String> text = admin("/diag/sockets");
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
            assertThat(text.body()).startsWith("berth diag sockets: network namespace ")
                    .contains("scoped to this proxy's upstream endpoints (" + endpoint + ")", " -> " + endpoint);

            HttpResponse<String> json = admin("/diag/sockets?format=json");
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode report = new ObjectMapper().readTree(json.body());
            assertThat(report.get("pressure")).allSatisfy(d -> assertThat(d.get("port").asInt()).isEqualTo(upstream.port()));
            assertThat(report.get("pressure")).isNotEmpty();
            assertThat(report.get("fds").get("processes").get(0).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());

            HttpResponse<String> bad = admin("/diag/sockets?format=xml");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("format 'xml': expected text or json\n");
            assertThat(admin("/nope").body()).contains("/diag/sockets");
        }
    }
}
