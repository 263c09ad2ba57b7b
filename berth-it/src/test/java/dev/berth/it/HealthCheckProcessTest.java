package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active health checks seen from outside: three {@code berth echo} processes behind a real
 * {@code berth proxy} checking them every 200 ms ({@code unhealthy_threshold: 2},
 * {@code healthy_threshold: 2}). One backend is killed (SIGKILL, by its PID) and later started
 * again on the same port, while a client keeps opening connections through the proxy, one at a
 * time, each checked byte for byte:
 *
 * <ul>
 *   <li>the endpoint leaves rotation ({@code /clusters}, {@code cluster_endpoint_healthy},
 *       the {@code endpoint unhealthy} log record) within {@code interval × unhealthy_threshold}
 *       plus an interval, asserted against a generous bound for loaded CI machines;</li>
 *   <li>no client connection fails, before or after the checks notice (until then a connect to
 *       the dead endpoint is refused and the proxy tries the next one);</li>
 *   <li>once it is out, connections go straight to the others: no further connect to the dead
 *       one, one attempt each;</li>
 *   <li>restarted, it comes back after {@code healthy_threshold} passing checks and takes
 *       traffic again.</li>
 * </ul>
 */
@Timeout(120)
class HealthCheckProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OUT_OF_ROTATION_BOUND = Duration.ofSeconds(3);
    private static final int MAX_CONNECTIONS_PER_PHASE = 5000;

    @TempDir
    Path dir;

    private final List<BerthProcess> processes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int connections;

    @AfterEach
    void stop() throws InterruptedException {
        for (BerthProcess p : processes) {
            p.close();
        }
    }

    private BerthProcess start(String... args) throws Exception {
        BerthProcess p = BerthProcess.start(args);
        processes.add(p);
        return p;
    }

    @Test
    void aKilledBackendLeavesRotationWithoutFailingAClientAndReturnsWhenRestarted() throws Exception {
        List<Integer> ports = new ArrayList<>();
        List<BerthProcess> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(start("echo", "--bind", "127.0.0.1", "--port", "0"));
        }
        for (BerthProcess b : backends) {
            ports.add(b.awaitListeningPorts(1).getFirst());
        }
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
                    endpoints: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]
                    connect_timeout: 1s
                    health_check: {type: tcp, interval: 200ms, timeout: 500ms, unhealthy_threshold: 2, healthy_threshold: 2}
                """.formatted(adminPort, listenPort, accessLog, ports.get(0), ports.get(1), ports.get(2)));
        BerthProcess proxy = start("proxy", "--config", config.toString());
        proxy.awaitRecord("serving");
        AdminClient admin = new AdminClient(adminPort);
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.endpoint("echo", label(port)).path("health_check").asText(),
                    "healthy"::equals);
        }

        // Before: every backend takes its share.
        List<Integer> before = roundTrips(listenPort, 30);
        assertThat(upstreams(accessLog, before).values()).containsAll(ports.stream().map(HealthCheckProcessTest::label).toList());

        // Kill one backend, by its PID, and keep connecting until the checks take it out.
        int victimPort = ports.get(1);
        String victim = label(victimPort);
        BerthProcess dead = backends.get(1);
        dead.signal("KILL");
        dead.awaitExit(Duration.ofSeconds(10));
        List<Integer> whileNoticing = new ArrayList<>();
        Duration outAfter = connectUntil(admin, victim, false, listenPort, whileNoticing);
        assertThat(outAfter).as("time out of rotation (interval 200ms × unhealthy_threshold 2, + one interval)")
                .isLessThan(OUT_OF_ROTATION_BOUND);
        JsonNode out = admin.endpoint("echo", victim);
        assertThat(out.path("health_check").asText()).isEqualTo("unhealthy");
        assertThat(out.path("last_check_error").asText()).isNotEmpty();
        assertThat(metric(admin, victim)).isEqualTo("0.0");
        JsonNode unhealthy = proxy.awaitRecord("endpoint unhealthy", r -> r.path("endpoint").asText().equals(victim), Duration.ofSeconds(5));
        assertThat(unhealthy.path("after").asText()).isEqualTo("2 failed checks");
        long failedConnectsWhenOut = out.path("connect_failures").asLong();

        // The outage: 200 more connections, all straight to the two live backends.
        List<Integer> outage = roundTrips(listenPort, 200);
        assertThat(admin.endpoint("echo", victim).path("connect_failures").asLong())
                .as("no connect to the dead endpoint once it is out: no retries needed").isEqualTo(failedConnectsWhenOut);
        Map<Integer, JsonNode> outageRecords = records(accessLog, outage);
        assertThat(outageRecords.values()).allSatisfy(r -> {
            assertThat(r.path("upstream").asText()).isNotEqualTo(victim);
            assertThat(r.path("connect_attempts").asInt()).isEqualTo(1);
        });
        // The ones made while the checks were noticing may have been retried; they got through all the same.
        assertThat(records(accessLog, whileNoticing).values()).allSatisfy(r -> assertThat(r.path("upstream").asText()).isNotEqualTo(victim));

        // Restart it on the same port: back after healthy_threshold passing checks, and taking traffic.
        BerthProcess restarted = start("echo", "--bind", "127.0.0.1", "--port", Integer.toString(victimPort));
        restarted.awaitListeningPorts(1);
        Duration backAfter = connectUntil(admin, victim, true, listenPort, new ArrayList<>());
        assertThat(backAfter).as("time back in rotation (interval 200ms × healthy_threshold 2, + one interval)")
                .isLessThan(OUT_OF_ROTATION_BOUND);
        assertThat(metric(admin, victim)).isEqualTo("1.0");
        JsonNode healthy = proxy.awaitRecord("endpoint healthy", r -> r.path("endpoint").asText().equals(victim), Duration.ofSeconds(5));
        assertThat(healthy.path("after").asText()).isEqualTo("2 passed checks");
        List<Integer> after = roundTrips(listenPort, 30);
        assertThat(upstreams(accessLog, after).values()).contains(victim);

        assertThat(failures).as("client connections that failed, of " + connections).isEmpty();
        System.out.printf("out of rotation after %d ms (%d connections meanwhile), back after %d ms; %d connections, none failed%n",
                outAfter.toMillis(), whileNoticing.size(), backAfter.toMillis(), connections);
    }

    /**
     * Opens connections through the proxy, one after another, until {@code /clusters} says
     * {@code endpoint} is {@code healthy} (or not); returns how long that took. At most
     * {@link #MAX_CONNECTIONS_PER_PHASE} connections and 10 s; fails if it did not happen.
     *
     * @param made where the client ports of the connections made meanwhile go
     */
    private Duration connectUntil(AdminClient admin, String endpoint, boolean healthy, int listenPort, List<Integer> made)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (made.size() < MAX_CONNECTIONS_PER_PHASE && System.nanoTime() - deadline < 0) {
            if (admin.endpoint("echo", endpoint).path("healthy").asBoolean() == healthy) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            made.add(roundTrip(listenPort));
        }
        throw new AssertionError(endpoint + " did not become " + (healthy ? "healthy" : "unhealthy") + " within 10 s ("
                + made.size() + " connections)");
    }

    private static String label(int port) {
        return "127.0.0.1:" + port;
    }

    /** {@code cluster_endpoint_healthy} for {@code endpoint}, as {@code /metrics} prints its value. */
    private static String metric(AdminClient admin, String endpoint) throws Exception {
        String prefix = "cluster_endpoint_healthy{cluster=\"echo\",endpoint=\"" + endpoint + "\"} ";
        return admin.get("/metrics").lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "in /metrics"));
    }

    private List<Integer> roundTrips(int port, int count) {
        List<Integer> clientPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clientPorts.add(roundTrip(port));
        }
        return clientPorts;
    }

    /**
     * One new connection through the proxy: 2 KiB of random bytes written, FIN, all of it read
     * back and compared. Returns the client's port (its key in the access log); a failure is
     * recorded, not thrown, so that the phases go on and the test reports every one.
     */
    private int roundTrip(int port) {
        int n = ++connections;
        byte[] data = new byte[2048];
        new Random(n).nextBytes(data);
        try (Socket s = Clients.connect("127.0.0.1", port)) {
            int clientPort = s.getLocalPort();
            byte[] back = Clients.exchange(s, data);
            if (!Arrays.equals(back, data)) {
                failures.add("connection " + n + " (client port " + clientPort + "): " + back.length + " bytes back, not the "
                        + data.length + " sent");
            }
            return clientPort;
        } catch (Exception e) {
            failures.add("connection " + n + ": " + e);
            return -1;
        }
    }

    /** The access-log records of these client connections, by client port, once all are written. */
    private static Map<Integer, JsonNode> records(Path accessLog, List<Integer> clientPorts) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(accessLog).stream()
                .map(HealthCheckProcessTest::parse)
                .filter(r -> clientPorts.contains(port(r)))
                .collect(Collectors.toMap(HealthCheckProcessTest::port, Function.identity(), (a, b) -> b)),
                m -> m.keySet().containsAll(clientPorts.stream().filter(p -> p > 0).toList()));
    }

    private static Map<Integer, String> upstreams(Path accessLog, List<Integer> clientPorts) {
        return records(accessLog, clientPorts).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().path("upstream").asText()));
    }

    private static int port(JsonNode record) {
        String downstream = record.path("downstream").asText();
        return Integer.parseInt(downstream.substring(downstream.lastIndexOf(':') + 1));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("access log line is not JSON: " + line, e);
        }
    }
}
