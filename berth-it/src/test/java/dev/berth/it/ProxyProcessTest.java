package dev.berth.it;

import static dev.berth.it.Clients.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth proxy} as a real process: config errors, --check, relaying to berth echo, admin, SIGTERM drain, SIGHUP reload. */
@Timeout(120)
class ProxyProcessTest {

    private static final int TOTAL = 256 * 1024;

    @TempDir
    Path dir;

    /** True when a connection to the port echoes {@code text} back. */
    private static boolean echoes(String ip, int port, String text) throws IOException {
        try (Socket s = connect(ip, port)) {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s.getOutputStream().write(bytes);
            return Arrays.equals(s.getInputStream().readNBytes(bytes.length), bytes);
        }
    }

    @Test
    void aBadConfigExitsTwoWithEveryErrorAtItsLineAndColumn() throws Exception {
        Path file = dir.resolve("berth.yaml");
        Files.writeString(file, """
                listeners:
                  - name: in
                    address: 127.0.0.1:70000
                    cluster: missing
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:8080]
                    lb: round-robin
                """);
        try (BerthProcess berth = BerthProcess.start(new ProcessBuilder(BerthProcess.command("proxy", "--config", file.toString())))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            String err = String.join("\n", berth.stderr());
            assertThat(err).contains(file + ":3:14: listeners[0].address: port 70000 (expected: 1-65535)",
                    file + ":4:14: listeners[0].cluster: no cluster named 'missing' (clusters: app)",
                    file + ":8:9: clusters[0].lb: 'round-robin' is not one of round_robin, least_connections, random, ring_hash");
            assertThat(err).doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void checkPrintsTheEffectiveConfigWithDefaults() throws Exception {
        try (BerthProcess berth = BerthProcess.start(new ProcessBuilder(BerthProcess.command("proxy", "--check")))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(30))).isZero();
            String out = String.join("\n", berth.stdout());
            assertThat(out).contains("address: 127.0.0.1:15000", "name: inbound", "address: 0.0.0.0:15001",
                    "address: 127.0.0.1:8080", "idle_timeout: 1h", "connect_timeout: 5s", "drain_timeout: 30s");
        }
    }

    @Test
    void runsOnIoUringWhenAskedAndSaysSo() throws Exception {
        try (BerthProcess echo = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--transport", "io_uring")) {
            int echoPort = echo.awaitListeningPorts(1).getFirst();
            int listenPort = Clients.freePort("127.0.0.1");
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, """
                    admin:
                      address: 127.0.0.1:%d
                    listeners:
                      - name: in
                        address: 127.0.0.1:%d
                        cluster: echo
                        access_log: "off"
                    clusters:
                      - name: echo
                        endpoints: [127.0.0.1:%d]
                    """.formatted(Clients.freePort("127.0.0.1"), listenPort, echoPort));
            try (BerthProcess proxy = BerthProcess.start("proxy", "--config", config.toString(), "--transport", "io_uring")) {
                assertThat(proxy.awaitRecord("serving").get("transport").asText()).isEqualTo("io_uring");
                assertThat(echoes("127.0.0.1", listenPort, "over io_uring twice")).isTrue();
                proxy.signal("TERM");
                assertThat(proxy.awaitExit(Duration.ofSeconds(10))).isZero();
            }
            assertThat(echo.records("listening")).isNotEmpty().allSatisfy(r -> assertThat(r.get("transport").asText()).isEqualTo("io_uring"));
        }
    }

    @Test
    void relaysToEchoServesAdminAndDrainsOnSigtermLettingATransferFinish() throws Exception {
        try (BerthProcess echo = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0")) {
            int echoPort = echo.awaitListeningPorts(1).getFirst();
            int listenPort = Clients.freePort("127.0.0.1");
            int adminPort = Clients.freePort("127.0.0.1");
            Path accessLog = dir.resolve("access.log");
            Path config = dir.resolve("proxy.yaml");
            Files.writeString(config, """
                    admin:
                      address: 127.0.0.1:%d
                    listeners:
                      - name: in
                        address: 127.0.0.1:%d
                        cluster: echo
                        access_log: %s
                    clusters:
                      - name: echo
                        endpoints: [127.0.0.1:%d]
                    shutdown:
                      accept_grace: 200ms
                      drain_timeout: 10s
                    """.formatted(adminPort, listenPort, accessLog, echoPort));
            try (BerthProcess proxy = BerthProcess.start("proxy", "--config", config.toString())) {
                proxy.awaitRecord("serving");
                HttpClient http = HttpClient.newHttpClient();
                URI ready = URI.create("http://127.0.0.1:" + adminPort + "/ready");
                assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                        .isEqualTo(200);

                byte[] data = new byte[TOTAL];
                new Random(7).nextBytes(data);
                try (Socket s = connect("127.0.0.1", listenPort)) {
                    s.getOutputStream().write(data, 0, 1000);
                    assertThat(s.getInputStream().readNBytes(1000)).isEqualTo(Arrays.copyOf(data, 1000));

                    proxy.signal("TERM");
                    await().atMost(Duration.ofSeconds(2)).until(() -> http.send(HttpRequest.newBuilder(ready).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
                    await().atMost(Duration.ofSeconds(3)).until(() -> Clients.refused("127.0.0.1", listenPort));

                    // The transfer in flight completes.
                    s.getOutputStream().write(data, 1000, data.length - 1000);
                    s.shutdownOutput();
                    assertThat(s.getInputStream().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));
                }
                assertThat(proxy.awaitExit(Duration.ofSeconds(10))).isZero();
                assertThat(proxy.records("draining")).hasSize(1);
            }
            // A refused() probe that lands inside accept_grace still connects, and logs a record with no bytes.
            List<String> lines = Files.readAllLines(accessLog).stream()
                    .filter(l -> !l.contains("\"bytes_received\":0,")).toList();
            assertThat(lines).hasSize(1);
            JsonNode r = new ObjectMapper().readTree(lines.getFirst());
            assertThat(r.get("bytes_received").asLong()).isEqualTo(TOTAL);
            assertThat(r.get("reason").asText()).isEqualTo("DC");
            assertThat(r.get("upstream").asText()).isEqualTo("127.0.0.1:" + echoPort);
        }
    }

    @Test
    void sighupReloadsTheFileAndAnInvalidFileKeepsTheRunningConfig() throws Exception {
        try (BerthProcess echo = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0")) {
            int echoPort = echo.awaitListeningPorts(1).getFirst();
            int first = Clients.freePort("127.0.0.1");
            int second = Clients.freePort("127.0.0.1");
            int adminPort = Clients.freePort("127.0.0.1");
            Path config = dir.resolve("proxy.yaml");
            String template = """
                    admin:
                      address: 127.0.0.1:%d
                    listeners:
                      - name: first
                        address: 127.0.0.1:%d
                        cluster: echo
                        access_log: "off"
                    %s
                    clusters:
                      - name: echo
                        endpoints: [127.0.0.1:%d]
                    """;
            Files.writeString(config, template.formatted(adminPort, first, "", echoPort));
            try (BerthProcess proxy = BerthProcess.start("proxy", "--config", config.toString())) {
                proxy.awaitRecord("serving");
                HttpClient http = HttpClient.newHttpClient();
                URI dump = URI.create("http://127.0.0.1:" + adminPort + "/config_dump");
                URI metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");

                Files.writeString(config, template.formatted(adminPort, first, """
                          - name: second
                            address: 127.0.0.1:%d
                            cluster: echo
                            access_log: "off"
                        """.formatted(second), echoPort));
                proxy.signal("HUP");
                JsonNode reloaded = proxy.awaitRecord("config reloaded");
                assertThat(reloaded.get("changes").asText()).isEqualTo("listener 'second' added");
                assertThat(reloaded.get("trigger").asText()).isEqualTo("SIGHUP");
                assertThat(echoes("127.0.0.1", second, "via second")).isTrue();
                assertThat(echoes("127.0.0.1", first, "via first")).isTrue();
                JsonNode body = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(dump).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(body.get("version").asInt()).isEqualTo(2);

                Files.writeString(config, Files.readString(config).replace("cluster: echo\n    access_log: \"off\"\n  - name: second",
                        "cluster: nowhere\n    access_log: \"off\"\n  - name: second"));
                proxy.signal("HUP");
                JsonNode rejected = proxy.awaitRecord("config reload rejected; the running configuration stays");
                assertThat(rejected.get("errors").asText()).startsWith(config + ":6:14: listeners[0].cluster: no cluster named 'nowhere'");
                assertThat(echoes("127.0.0.1", first, "still")).isTrue();
                assertThat(http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("config_reload_failures_total 1.0", "config_reload_total 1.0", "config_version 2.0");
                assertThat(proxy.isAlive()).isTrue();

                proxy.signal("TERM");
                assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isZero();
            }
        }
    }
}
