package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.SocketsReport;
import dev.berth.sockdiag.inetdiag.SocketDetails;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /diag/sockets}: the diag report of a fixture namespace, scoped to the clusters' endpoints. */
class UpstreamSocketsReportTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static Cluster cluster(int... ports) {
        List<UpstreamEndpoint> eps = Arrays.stream(ports).mapToObj(p -> new UpstreamEndpoint(
                new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), p), 1, "127.0.0.1:" + p, "127.0.0.1")).toList();
        return new Cluster(new ClusterConfig("app", ClusterConfig.Discovery.STATIC,
                eps.stream().map(e -> new EndpointConfig("127.0.0.1", e.address().getPort(), 1)).toList(),
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(1), 100, 1, Duration.ofSeconds(5)), eps);
    }

    private UpstreamSocketsReport report(ProcFixture proc, Cluster cluster) {
        return new UpstreamSocketsReport(() -> List.of(cluster), proc.procfs(), ByteOrder.LITTLE_ENDIAN,
                () -> SocketDetails.unavailable("a fixture"), 4242);
    }

    private ProcFixture namespace() throws Exception {
        return new ProcFixture(dir, "50000 50009", "").listen("127.0.0.1:15001").listen("127.0.0.1:7001")
                .connections("127.0.0.1", 50000, "127.0.0.1:7001", 10, ProcFixture.ESTABLISHED)
                // Someone else's traffic in the namespace: not the proxy's destinations.
                .connections("127.0.0.1", 50000, "127.0.0.1:6379", 9, ProcFixture.TIME_WAIT)
                .row("127.0.0.1:15001", "127.0.0.1:50003", ProcFixture.ESTABLISHED)
                .write();
    }

    @Test
    void onlyTheUpstreamEndpointsAndTheListenersAreInTheReport() throws Exception {
        SocketsReport r = report(namespace(), cluster(7001, 7002)).read(T0);

        assertThat(r.pressure()).extracting(DestinationPressure::describe).containsExactly("127.0.0.1 -> 127.0.0.1:7001");
        assertThat(r.pressure().getFirst().percent()).isEqualTo(100.0);
        assertThat(r.tcpTotal()).as("2 listeners and 10 connections to the endpoint").isEqualTo(12);
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).startsWith("127.0.0.1 -> 127.0.0.1:7001 uses 10 of 10"
                + " usable ephemeral ports (100%): 10 ESTABLISHED"));
        assertThat(r.notes().getFirst()).isEqualTo("scoped to this proxy's upstream endpoints (127.0.0.1:7001, 127.0.0.1:7002)"
                + " and this namespace's listeners; kernel settings and counters are the whole namespace's, descriptors this"
                + " proxy's (pid 4242)");
    }

    @Test
    void rendersAsTheCliDoesInTextAndJson() throws Exception {
        UpstreamSocketsReport report = report(namespace(), cluster(7001));

        String text = report.render(T0, false);
        assertThat(text).startsWith("berth diag sockets: network namespace unknown, 2026-01-01T00:00:00Z\n")
                .contains("CRITICAL port_pressure: 127.0.0.1 -> 127.0.0.1:7001 uses 10 of 10", "Ephemeral ports", "Kernel settings")
                .doesNotContain("6379").endsWith("\n");
        JsonNode json = new ObjectMapper().readTree(report.render(T0, true));
        assertThat(json.get("pressure")).hasSize(1);
        assertThat(json.get("pressure").get(0).get("port").asInt()).isEqualTo(7001);
        assertThat(json.get("worst").asText()).isEqualTo("critical");
        assertThat(json.get("notes").get(0).asText()).startsWith("scoped to this proxy's upstream endpoints (127.0.0.1:7001)");
    }
}
