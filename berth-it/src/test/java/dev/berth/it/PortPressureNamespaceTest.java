package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's port-pressure awareness, live, in a network namespace the test creates with a
 * 10-port ephemeral range ({@code 50000-50009}): the real {@code berth proxy} runs inside it in
 * front of two endpoints that accept into their backlog and never read ({@link SocketScript}
 * listeners); clients are held open by the script; {@code /metrics} and {@code /diag/sockets} are
 * read with curl from inside. Nothing leaves the namespace.
 *
 * <p>Every fixed port (admin, listeners, endpoints) lies outside the range. curl binds its own
 * ports outside it too ({@code --local-port}), so scraping takes nothing from the pools under test.
 */
@Timeout(180)
class PortPressureNamespaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLED = Duration.ofSeconds(30); // sampled every 5 s

    @TempDir
    Path dir;

    private NetNamespace ns;
    private SocketScriptProcess script;
    private BerthProcess proxy;

    @BeforeEach
    void createNamespace() throws Exception {
        ns = NetNamespace.create("berth-ports");
        assumeThat(ns).as("network namespaces (needs root / CAP_SYS_ADMIN; see stderr)").isNotNull();
        ns.ip("link", "set", "lo", "up");
        ns.sysctl("net.ipv4.ip_local_port_range", "50000 50009");
        script = SocketScriptProcess.start(ns);
        script.ok("listen a tcp4 127.0.0.1 7001");
        script.ok("listen b tcp4 127.0.0.1 7002");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (script != null) {
            script.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    /**
     * Listeners {@code to-a} (15001) and {@code to-a-too} (15003) for cluster {@code a} =
     * 127.0.0.1:7001, {@code to-b} (15002) for cluster {@code b} = 127.0.0.1:7002. Two listeners
     * for {@code a}: clients' own connections to one listener have only 10 ports too.
     */
    private void startProxy(String sourceAddress, String... jvmFlags) throws Exception {
        String source = sourceAddress == null ? "" : "\n    source_address: " + sourceAddress;
        Path config = Files.writeString(dir.resolve("berth.yaml"), """
                admin: {address: 127.0.0.1:15000}
                listeners:
                  - {name: to-a, address: 127.0.0.1:15001, cluster: a, access_log: stdout}
                  - {name: to-b, address: 127.0.0.1:15002, cluster: b, access_log: stdout}
                  - {name: to-a-too, address: 127.0.0.1:15003, cluster: a, access_log: stdout}
                clusters:
                  - name: a
                    endpoints: [127.0.0.1:7001]
                    connect_attempts: 1%s
                  - name: b
                    endpoints: [127.0.0.1:7002]
                    connect_attempts: 1%s
                """.formatted(source, source));
        List<String> command = new ArrayList<>(BerthProcess.command("proxy", "--config", config.toString(),
                "--log-format", "json"));
        command.addAll(1, List.of(jvmFlags));
        proxy = BerthProcess.start(new ProcessBuilder(ns.exec(command)));
        proxy.awaitRecord("serving");
    }

    private String get(String path) throws IOException, InterruptedException {
        return ns.output("curl", "-sS", "--max-time", "10", "--local-port", "40000-40999", "-H", "Connection: close",
                "http://127.0.0.1:15000" + path);
    }

    /** A sample of a metric with exactly these labels, or {@code null} when absent. */
    private Double metric(String name, String labels) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(get("/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    private Double pressure(String cluster, String endpoint) throws IOException, InterruptedException {
        return metric("upstream_port_pressure_ratio", "cluster=\"" + cluster + "\",endpoint=\"" + endpoint + "\"");
    }

    private void awaitPressure(String cluster, String endpoint, double expected) {
        await().atMost(SAMPLED).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(pressure(cluster, endpoint)).isEqualTo(expected));
    }

    private List<JsonNode> accessLog() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : proxy.stdout()) {
            if (line.startsWith("{")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("access log line is not JSON: " + line, e);
                }
            }
        }
        return out;
    }

    /** The first access-log record of a connection on {@code listener}. */
    private JsonNode awaitAccessLog(String listener) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> accessLog().stream().filter(r -> r.get("listener").asText().equals(listener)).findFirst().orElse(null),
                r -> r != null);
    }

    private static JsonNode destination(JsonNode report, int port) {
        return StreamSupport.stream(report.get("pressure").spliterator(), false)
                .filter(p -> p.get("port").asInt() == port).findFirst().orElse(null);
    }

    @Test
    void theGaugeRisesWithConnectionsToOneEndpointAndTheEleventhClientIsClosedWithPortsExhausted() throws Exception {
        startProxy(null);
        awaitPressure("a", "127.0.0.1:7001", 0.0);
        awaitPressure("b", "127.0.0.1:7002", 0.0);

        script.ok("connect first 127.0.0.1 15001 count=5");
        awaitPressure("a", "127.0.0.1:7001", 0.5);
        assertThat(pressure("b", "127.0.0.1:7002")).isZero();

        script.ok("connect more 127.0.0.1 15001 count=5");
        awaitPressure("a", "127.0.0.1:7001", 1.0);
        assertThat(pressure("b", "127.0.0.1:7002")).as("another endpoint has its own pool").isZero();
        JsonNode warning = proxy.awaitRecord("upstream port pressure",
                r -> r.path("endpoint").asText().equals("127.0.0.1:7001"), SAMPLED);
        assertThat(warning.get("level").asText()).isEqualTo("WARN");
        assertThat(warning.get("severity").asText()).isIn("warning", "critical");
        assertThat(warning.get("cluster").asText()).isEqualTo("a");
        assertThat(warning.get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(warning.get("usable").asInt()).isEqualTo(10);
        assertThat(warning.get("detail").asText()).contains("range 50000-50009");
        assertThat(warning.get("advice").asText()).contains("Reuse connections", "source addresses", "ip_local_port_range");

        // The eleventh client (through the other listener, whose client pool is still empty).
        script.ok("connect eleventh 127.0.0.1 15003");
        JsonNode closed = awaitAccessLog("to-a-too");
        assertThat(closed.get("reason").asText()).isEqualTo("UF");
        assertThat(closed.get("cause").asText()).isEqualTo("ports_exhausted");
        assertThat(closed.get("upstream").asText()).isEqualTo("127.0.0.1:7001");
        assertThat(closed.get("detail").asText()).startsWith("endpoint 127.0.0.1:7001: local ephemeral ports exhausted");
        JsonNode logged = proxy.awaitRecord("upstream ports exhausted", r -> true, Duration.ofSeconds(20));
        assertThat(logged.get("cause").asText()).isEqualTo("ports_exhausted");
        assertThat(logged.get("endpoint").asText()).isEqualTo("127.0.0.1:7001");
        assertThat(metric("upstream_cx_ports_exhausted_total", "cluster=\"a\",endpoint=\"127.0.0.1:7001\"")).isEqualTo(1.0);

        // Cluster b still connects: exhaustion is per destination.
        script.ok("connect to-b 127.0.0.1 15002");
        awaitPressure("b", "127.0.0.1:7002", 0.1);

        JsonNode report = JSON.readTree(get("/diag/sockets?format=json"));
        JsonNode full = destination(report, 7001);
        assertThat(full.get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(full.get("sockets").asInt()).isEqualTo(10);
        assertThat(full.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(full.get("level").asText()).isEqualTo("critical");
        assertThat(destination(report, 7002).get("percent").asDouble()).isEqualTo(10.0);
        assertThat(destination(report, 15001)).as("clients' connections to the proxy are not upstream destinations").isNull();
        assertThat(report.get("notes").get(0).asText()).startsWith("scoped to this proxy's upstream endpoints"
                + " (127.0.0.1:7001, 127.0.0.1:7002)");
        assertThat(get("/diag/sockets")).contains("CRITICAL port_pressure: 127.0.0.1 -> 127.0.0.1:7001 uses 10 of 10 usable"
                + " ephemeral ports (100%)");
    }

    @Test
    void withSourceAddressPortsAreStillSharedBetweenEndpointsThanksToIpBindAddressNoPort() throws Exception {
        startProxy("127.0.0.1");
        // Bound before connect without IP_BIND_ADDRESS_NO_PORT, 10 ports would serve 10 connections in all.
        script.ok("connect to-a 127.0.0.1 15001 count=10");
        script.ok("connect to-b 127.0.0.1 15002 count=10");
        awaitPressure("a", "127.0.0.1:7001", 1.0);
        awaitPressure("b", "127.0.0.1:7002", 1.0);
        assertThat(metric("upstream_cx_total", "cluster=\"a\"")).isEqualTo(10.0);
        assertThat(metric("upstream_cx_total", "cluster=\"b\"")).isEqualTo(10.0);
        assertThat(metric("upstream_cx_connect_fail_total", "cluster=\"a\"")).isZero();
        assertThat(metric("upstream_cx_connect_fail_total", "cluster=\"b\"")).isZero();
        assertThat(accessLog()).as("no client was turned away").isEmpty();

        JsonNode report = JSON.readTree(get("/diag/sockets?format=json"));
        assertThat(report.get("findings").toString()).doesNotContain("bind_before_connect");
        assertThat(destination(report, 7001).get("sockets").asInt()).isEqualTo(10);
        assertThat(destination(report, 7002).get("sockets").asInt()).isEqualTo(10);
    }

    @Test
    void onNioASourceAddressHoldsEachPortForEveryEndpointSoTheRangeRunsOutForAll() throws Exception {
        startProxy("127.0.0.1", "-Dberth.transport=nio");
        assertThat(proxy.awaitRecord("source_address without IP_BIND_ADDRESS_NO_PORT").get("advice").asText())
                .contains("the ephemeral range runs out for all endpoints at once");
        // Clients on ports chosen by hand outside the range: ports bound first are taken from everyone in the
        // namespace, clients included, so the proxy's binds must have the range to themselves.
        script.ok("connect to-a 127.0.0.1 15001 count=5 lport=41000");
        script.ok("connect to-b 127.0.0.1 15002 count=5 lport=41100");
        awaitPressure("a", "127.0.0.1:7001", 0.5);
        awaitPressure("b", "127.0.0.1:7002", 0.5);

        // Each endpoint holds half the pool, yet none is left for either: bind() took each port for every destination.
        script.ok("connect eleventh 127.0.0.1 15003 lport=41200");
        JsonNode closed = awaitAccessLog("to-a-too");
        assertThat(closed.get("reason").asText()).isEqualTo("UF");
        assertThat(closed.get("cause").asText()).isEqualTo("ports_exhausted");
        assertThat(closed.get("detail").asText()).contains("EADDRINUSE");
        JsonNode report = JSON.readTree(get("/diag/sockets?format=json"));
        assertThat(report.get("findings").toString()).contains("bind_before_connect");
    }
}
