package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The sampler's arithmetic and choices, from procfs text written by {@link ProcFixture}; time is passed in. */
class PortPressureMonitorTest {

    private static final RouteLookup LOOPBACK = d -> Optional.of(InetAddress.ofLiteral(
            d.getAddress() instanceof java.net.Inet4Address ? "127.0.0.1" : "::1"));

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("berth.ports");
    private final List<Cluster> clusters = new ArrayList<>();
    private ProcFixture proc;

    @BeforeEach
    void setUp() throws Exception {
        // 10 ports; 50009 reserved; a listener on 50008 takes another: 8 usable.
        proc = new ProcFixture(dir, "50000\t50009", "50009").listen("127.0.0.1:50008").listen("127.0.0.1:7001")
                .listen("127.0.0.1:7002").write();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.INFO); // the all-clear is INFO; tests log WARN and up otherwise
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    private static Cluster cluster(String name, InetAddress source, String... endpoints) {
        List<UpstreamEndpoint> eps = new ArrayList<>();
        List<EndpointConfig> configs = new ArrayList<>();
        for (String e : endpoints) {
            int colon = e.lastIndexOf(':');
            String host = e.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(e.substring(colon + 1));
            eps.add(new UpstreamEndpoint(new InetSocketAddress(InetAddress.ofLiteral(host), port), 1, e, host));
            configs.add(new EndpointConfig(host, port, 1));
        }
        ClusterConfig config = new ClusterConfig(name, ClusterConfig.Discovery.STATIC, configs, ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(1), 100, 1, Duration.ofSeconds(5)).withSourceAddress(source);
        return new Cluster(config, eps);
    }

    private PortPressureMonitor monitor(RouteLookup routes) {
        return new PortPressureMonitor(() -> List.copyOf(clusters), PortUseReader.procfs(proc.procfs(), ByteOrder.LITTLE_ENDIAN),
                routes, registry);
    }

    private double gauge(String cluster, String endpoint) {
        return registry.get("upstream.port.pressure.ratio").tags("cluster", cluster, "endpoint", endpoint).gauge().value();
    }

    private List<String> gaugedEndpoints() {
        return registry.find("upstream.port.pressure.ratio").gauges().stream()
                .map(g -> g.getId().getTag("cluster") + " " + g.getId().getTag("endpoint")).sorted().toList();
    }

    private List<ILoggingEvent> records(String message) {
        return logs.list.stream().filter(e -> e.getMessage().equals(message)).toList();
    }

    private static Map<String, Object> fields(ILoggingEvent e) {
        return e.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    @Test
    void theRatioIsSocketsFromTheSourceToTheEndpointOverTheUsablePorts() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001", "127.0.0.1:7002"));
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 4, ProcFixture.ESTABLISHED)
                .connections("127.0.0.1", 50004, "127.0.0.1:7001", 2, ProcFixture.TIME_WAIT)
                // Not towards the endpoint's pool: another source address, and a client connected to a listener.
                .connections("10.0.0.5", 50000, "127.0.0.1:7001", 3, ProcFixture.ESTABLISHED)
                .row("127.0.0.1:50008", "127.0.0.1:40000", ProcFixture.ESTABLISHED)
                .write();

        List<EndpointPressure> sample = monitor(LOOPBACK).sample(0);

        assertThat(sample).containsExactly(
                new EndpointPressure("a", "127.0.0.1:7001", "127.0.0.1", 6, 8, 0.75, "4 ESTABLISHED, 2 TIME_WAIT"),
                new EndpointPressure("a", "127.0.0.1:7002", "127.0.0.1", 0, 8, 0.0, ""));
        assertThat(gauge("a", "127.0.0.1:7001")).isEqualTo(0.75);
        assertThat(gauge("a", "127.0.0.1:7002")).isZero();
    }

    @Test
    void theGaugeRisesAsConnectionsAccumulateAndIsOneWhenThePoolIsFull() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        PortPressureMonitor m = monitor(LOOPBACK);
        m.sample(0);
        assertThat(gauge("a", "127.0.0.1:7001")).isZero();
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 4, ProcFixture.ESTABLISHED).write();
        m.sample(1);
        assertThat(gauge("a", "127.0.0.1:7001")).isEqualTo(0.5);
        proc.connections("127.0.0.1", 50004, "127.0.0.1:7001", 4, ProcFixture.ESTABLISHED).write();
        m.sample(2);
        assertThat(gauge("a", "127.0.0.1:7001")).isEqualTo(1.0);
        assertThat(m.latest().getFirst().percent()).isEqualTo(100);
    }

    @Test
    void aBoundSourceAddressCountsItsOwnSocketsNotTheRoutedOnes() throws Exception {
        clusters.add(cluster("pinned", InetAddress.ofLiteral("10.0.0.5"), "127.0.0.1:7001"));
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 6, ProcFixture.ESTABLISHED)
                .connections("10.0.0.5", 50000, "127.0.0.1:7001", 2, ProcFixture.ESTABLISHED).write();
        RouteLookup mustNotBeAsked = d -> {
            throw new AssertionError("routes asked for " + d);
        };

        assertThat(monitor(mustNotBeAsked).sample(0).getFirst())
                .isEqualTo(new EndpointPressure("pinned", "127.0.0.1:7001", "10.0.0.5", 2, 8, 0.25, "2 ESTABLISHED"));
    }

    @Test
    void anIpv6EndpointOfABoundIpv4ClusterCountsFromTheRoutedSource() throws Exception {
        clusters.add(cluster("mixed", InetAddress.ofLiteral("10.0.0.5"), "[::1]:7003"));
        proc.connections("[::1]", 50000, "[::1]:7003", 2, ProcFixture.ESTABLISHED).write();

        assertThat(monitor(LOOPBACK).sample(0).getFirst())
                .isEqualTo(new EndpointPressure("mixed", "[::1]:7003", "::1", 2, 8, 0.25, "2 ESTABLISHED"));
    }

    @Test
    void withoutARouteTheFullestSourceTowardsTheEndpointCounts() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 2, ProcFixture.ESTABLISHED)
                .connections("10.0.0.5", 50000, "127.0.0.1:7001", 5, ProcFixture.TIME_WAIT).write();

        assertThat(monitor(d -> Optional.empty()).sample(0).getFirst())
                .isEqualTo(new EndpointPressure("a", "127.0.0.1:7001", "10.0.0.5", 5, 8, 0.625, "5 TIME_WAIT"));
    }

    @Test
    void nothingUsableIsFullPressure() throws Exception {
        proc = new ProcFixture(dir.resolve("tiny"), "50000 50000", "50000").write();
        clusters.add(cluster("a", null, "127.0.0.1:7001"));

        assertThat(monitor(LOOPBACK).sample(0).getFirst().ratio()).isEqualTo(1.0);
    }

    @Test
    void clustersAndEndpointsAreReadAfreshAtEverySample() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        PortPressureMonitor m = monitor(LOOPBACK);
        m.sample(0);
        assertThat(gaugedEndpoints()).containsExactly("a 127.0.0.1:7001");

        // A reload replaces the cluster object; a DNS change its endpoints.
        clusters.clear();
        clusters.add(cluster("a", null, "127.0.0.1:7002"));
        clusters.add(cluster("b", null, "127.0.0.1:7001"));
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7002", 2, ProcFixture.ESTABLISHED).write();
        m.sample(1);

        assertThat(gaugedEndpoints()).containsExactly("a 127.0.0.1:7002", "b 127.0.0.1:7001");
        assertThat(gauge("a", "127.0.0.1:7002")).isEqualTo(0.25);
    }

    @Test
    void crossingSeventyPercentWarnsWithTheNumbersAndAdviceAtMostOncePerMinute() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        PortPressureMonitor m = monitor(LOOPBACK);
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 5, ProcFixture.ESTABLISHED).write();
        m.sample(0);
        assertThat(records("upstream port pressure")).as("5 of 8 is 62%").isEmpty();

        proc.connections("127.0.0.1", 50005, "127.0.0.1:7001", 1, ProcFixture.TIME_WAIT).write();
        m.sample(TimeUnit.SECONDS.toNanos(5));
        assertThat(records("upstream port pressure")).singleElement().satisfies(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
            Map<String, Object> f = fields(e);
            assertThat(f).containsEntry("cluster", "a").containsEntry("endpoint", "127.0.0.1:7001")
                    .containsEntry("source", "127.0.0.1").containsEntry("sockets", 6).containsEntry("usable", 8)
                    .containsEntry("percent", 75L).containsEntry("severity", "warning");
            assertThat((String) f.get("detail")).isEqualTo("connections to 127.0.0.1:7001 from 127.0.0.1 hold 6 of the 8"
                    + " usable ephemeral ports (75%, range 50000-50009): 5 ESTABLISHED, 1 TIME_WAIT; when none is left,"
                    + " connects to it fail with EADDRNOTAVAIL (reason UF, cause ports_exhausted) while other endpoints are"
                    + " unaffected");
            assertThat((String) f.get("advice")).contains("Reuse connections", "source addresses", "ip_local_port_range");
        });

        m.sample(TimeUnit.SECONDS.toNanos(30));
        assertThat(records("upstream port pressure")).as("still above, within the minute").hasSize(1);
        m.sample(TimeUnit.SECONDS.toNanos(65));
        assertThat(records("upstream port pressure")).as("still above, a minute later").hasSize(2);
    }

    @Test
    void fallingBelowAfterAWarningLogsOneAllClear() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        proc.connections("127.0.0.1", 50000, "127.0.0.1:7001", 8, ProcFixture.ESTABLISHED).write();
        List<ProcFixture> states = new ArrayList<>(List.of(proc,
                new ProcFixture(dir.resolve("later"), "50000 50009", "50009").listen("127.0.0.1:50008").write()));
        PortPressureMonitor m = new PortPressureMonitor(() -> List.copyOf(clusters),
                d -> PortUseReader.procfs(states.getFirst().procfs(), ByteOrder.LITTLE_ENDIAN).read(d), LOOPBACK, registry);
        m.sample(0);
        assertThat(records("upstream port pressure")).singleElement()
                .satisfies(e -> assertThat(fields(e)).containsEntry("severity", "critical").containsEntry("percent", 100L));
        states.removeFirst();
        m.sample(1);
        m.sample(2);
        assertThat(records("upstream port pressure is back below 70%")).singleElement()
                .satisfies(e -> assertThat(fields(e)).containsEntry("endpoint", "127.0.0.1:7001").containsEntry("percent", 0L));
    }

    @Test
    void anEndpointListedTwiceIsGaugedOnce() throws Exception {
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        clusters.add(cluster("a", null, "127.0.0.1:7001"));
        assertThat(monitor(LOOPBACK).sample(0)).hasSize(1);
        assertThat(registry.find("upstream.port.pressure.ratio").gauges()).extracting(Gauge::value).containsExactly(0.0);
    }
}
