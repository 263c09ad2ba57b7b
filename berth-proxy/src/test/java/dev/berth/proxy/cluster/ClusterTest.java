package dev.berth.proxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.config.OutlierDetectionConfig;
import dev.berth.proxy.loadbalancer.PickContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which endpoints a cluster balances over as health, ejections, panic and membership change. */
class ClusterTest {

    private static final PickContext ANY = PickContext.of(InetAddress.ofLiteral("192.0.2.1"));
    private static final HealthCheckConfig CHECK = HealthCheckConfig.tcp()
            .withTiming(Duration.ofSeconds(1), Duration.ofMillis(100), 1, 1);

    private final AtomicLong clock = new AtomicLong(0);
    private ScheduledExecutorService timer;

    @AfterEach
    void stopTimer() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static UpstreamEndpoint endpoint(int i) {
        String ip = "10.0.0." + i;
        return new UpstreamEndpoint(new InetSocketAddress(InetAddress.ofLiteral(ip), 8080), 1, ip + ":8080", ip);
    }

    private static List<UpstreamEndpoint> endpoints(int n) {
        List<UpstreamEndpoint> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(endpoint(i));
        }
        return out;
    }

    private static ClusterConfig config(int panicThreshold) {
        ClusterConfig base = new ClusterConfig("app", ClusterConfig.Discovery.STATIC,
                List.of(new EndpointConfig("10.0.0.1", 8080, 1)), ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(5), 10_000, 3, Duration.ofSeconds(5));
        return base.withLimits(10_000, 1024, panicThreshold, Duration.ZERO);
    }

    private Cluster cluster(ClusterConfig config, List<UpstreamEndpoint> endpoints) {
        return new Cluster(config, endpoints, timer, clock::get);
    }

    private static Set<UpstreamEndpoint> picks(Cluster c, int n) {
        Set<UpstreamEndpoint> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(c.pick(ANY));
        }
        return seen;
    }

    @Test
    void theBalancerPicksOnlyHealthyEndpoints() {
        List<UpstreamEndpoint> eps = endpoints(3);
        Cluster c = cluster(config(50).withHealthCheck(CHECK), eps);
        assertThat(c.candidates()).as("new endpoints take traffic before their first check").containsExactlyElementsOf(eps);

        c.checkResult(eps.get(1), false, "connection refused");
        assertThat(c.candidates()).containsExactly(eps.get(0), eps.get(2));
        assertThat(picks(c, 30)).containsExactlyInAnyOrder(eps.get(0), eps.get(2));
        assertThat(eps.get(1).healthy()).isFalse();
        assertThat(eps.get(1).checkStatus()).isEqualTo("unhealthy");
        assertThat(eps.get(1).lastCheckError()).isEqualTo("connection refused");
        assertThat(c.healthyEndpoints()).isEqualTo(2);

        c.checkResult(eps.get(1), true, null);
        assertThat(c.candidates()).containsExactlyElementsOf(eps);
        assertThat(eps.get(1).checkStatus()).isEqualTo("healthy");
        assertThat(eps.get(1).lastCheckError()).isNull();
        assertThat(c.stats().healthChecks()).isEqualTo(2);
        assertThat(c.stats().healthCheckFailures()).isEqualTo(1);
        assertThat(c.stats().becameUnhealthy()).isEqualTo(1);
        assertThat(c.stats().becameHealthy()).isEqualTo(1);
    }

    @Test
    void withoutChecksEveryEndpointIsHealthyAndUnchecked() {
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(50), eps);
        assertThat(c.candidates()).containsExactlyElementsOf(eps);
        assertThat(eps.getFirst().checkStatus()).isEqualTo("unchecked");
        assertThat(eps.getFirst().outlier()).isNull();
    }

    @Test
    void newEndpointsCanBeMadeToWaitForTheirFirstPassingCheck() {
        HealthCheckConfig waiting = new HealthCheckConfig(HealthCheckConfig.Type.TCP, Duration.ofSeconds(1), Duration.ofMillis(100),
                3, 2, Duration.ZERO, false, null, null, null, List.of());
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(0).withHealthCheck(waiting), eps);
        assertThat(c.candidates()).isEmpty();
        assertThat(c.pick(ANY)).isNull();
        assertThat(eps.getFirst().checkStatus()).isEqualTo("unknown");
        c.checkResult(eps.getFirst(), true, null);
        assertThat(c.candidates()).containsExactly(eps.getFirst());
    }

    @Test
    void belowThePanicThresholdEveryEndpointTakesTraffic() {
        List<UpstreamEndpoint> eps = endpoints(4);
        Cluster c = cluster(config(50).withHealthCheck(CHECK), eps);
        c.checkResult(eps.get(0), false, "refused");
        c.checkResult(eps.get(1), false, "refused");
        assertThat(c.panic()).as("2 of 4 healthy is not below 50%").isFalse();
        assertThat(c.candidates()).containsExactly(eps.get(2), eps.get(3));

        c.checkResult(eps.get(2), false, "refused");
        assertThat(c.panic()).as("1 of 4").isTrue();
        assertThat(c.healthyEndpoints()).isEqualTo(1);
        assertThat(c.candidates()).containsExactlyElementsOf(eps);
        assertThat(picks(c, 40)).containsExactlyInAnyOrderElementsOf(eps);

        c.checkResult(eps.get(0), true, null);
        assertThat(c.panic()).isFalse();
        assertThat(c.candidates()).containsExactly(eps.get(0), eps.get(3));
    }

    @Test
    void withPanicOffNoHealthyEndpointMeansNothingToPick() {
        List<UpstreamEndpoint> eps = endpoints(1);
        Cluster c = cluster(config(0).withHealthCheck(CHECK), eps);
        c.checkResult(eps.getFirst(), false, "refused");
        assertThat(c.panic()).isFalse();
        assertThat(c.pick(ANY)).isNull();
        assertThat(c.endpoints()).hasSize(1);
    }

    @Test
    void consecutiveFailuresEjectAnEndpointUntilItsTimeEnds() {
        List<UpstreamEndpoint> eps = endpoints(4);
        Cluster c = cluster(config(50).withOutlierDetection(
                new OutlierDetectionConfig(3, Duration.ofSeconds(30), Duration.ofSeconds(300), 50)), eps);
        UpstreamEndpoint a = eps.getFirst();
        c.connectFailed(a);
        c.connectFailed(a);
        assertThat(c.candidates()).contains(a);
        c.connectFailed(a);
        assertThat(c.candidates()).doesNotContain(a).hasSize(3);
        assertThat(a.healthy()).isFalse();
        assertThat(a.outlier().ejected()).isTrue();
        assertThat(a.connectFailures()).isEqualTo(3);
        assertThat(c.stats().ejections()).isEqualTo(1);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(29));
        assertThat(c.sweep()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(c.candidates()).doesNotContain(a);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(c.sweep()).isEqualTo(-1);
        assertThat(c.candidates()).contains(a);
    }

    @Test
    void aResetByTheEndpointIsAFailureAndANormalEndASuccess() {
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(50).withOutlierDetection(
                new OutlierDetectionConfig(2, Duration.ofSeconds(30), Duration.ofSeconds(300), 50)), eps);
        UpstreamEndpoint a = eps.getFirst();
        Runnable closer = () -> {};
        a.connected(closer);
        c.connectionEnded(a, closer, true);
        a.connected(closer);
        c.connectionEnded(a, closer, false);
        assertThat(a.outlier().consecutiveFailures()).isZero();
        a.connected(closer);
        c.connectionEnded(a, closer, true);
        a.connected(closer);
        c.connectionEnded(a, closer, true);
        assertThat(a.outlier().ejected()).isTrue();
        assertThat(a.activeConnections()).isZero();
    }

    @Test
    void aPassingCheckReturnsAnEjectedEndpoint() {
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(50).withHealthCheck(CHECK).withOutlierDetection(
                new OutlierDetectionConfig(1, Duration.ofSeconds(30), Duration.ofSeconds(300), 50)), eps);
        UpstreamEndpoint a = eps.getFirst();
        c.connectFailed(a);
        assertThat(c.candidates()).doesNotContain(a);
        c.checkResult(a, true, null);
        assertThat(c.candidates()).contains(a);
        assertThat(a.outlier().ejected()).isFalse();
    }

    @Test
    void theLastEndpointCanBeEjectedAndPanicThenUsesItAnyway() {
        List<UpstreamEndpoint> eps = endpoints(1);
        Cluster c = cluster(config(50).withOutlierDetection(
                new OutlierDetectionConfig(1, Duration.ofSeconds(30), Duration.ofSeconds(300), 10)), eps);
        c.connectFailed(eps.getFirst());
        assertThat(eps.getFirst().outlier().ejected()).isTrue();
        assertThat(c.panic()).isTrue();
        assertThat(c.pick(ANY)).isSameAs(eps.getFirst());
    }

    @Test
    void maxPendingIsACircuitBreaker() {
        Cluster c = cluster(config(50).withLimits(10_000, 2, 50, Duration.ZERO), endpoints(1));
        assertThat(c.tryAcquirePending()).isTrue();
        assertThat(c.tryAcquirePending()).isTrue();
        assertThat(c.pendingConnections()).isEqualTo(2);
        assertThat(c.tryAcquirePending()).isFalse();
        assertThat(c.stats().pendingOverflows()).isEqualTo(1);
        c.releasePending();
        assertThat(c.tryAcquirePending()).isTrue();
    }

    @Test
    void membershipListenersHearOfEndpointChangesOnly() {
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(50).withHealthCheck(CHECK), eps);
        AtomicInteger heard = new AtomicInteger();
        c.addMembershipListener(heard::incrementAndGet);
        c.update(eps);
        assertThat(heard).hasValue(0);
        c.checkResult(eps.getFirst(), false, "refused");
        assertThat(heard).hasValue(0);
        c.update(List.of(eps.getFirst(), endpoint(3)));
        assertThat(heard).hasValue(1);
        assertThat(eps.get(1).removed()).isTrue();
        assertThat(eps.getFirst().checkStatus()).as("kept endpoints keep their health").isEqualTo("unhealthy");
    }

    @Test
    void aRemovedEndpointGetsNoNewConnectionsAndItsOpenOnesStayWithoutAGrace() {
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = cluster(config(50), eps);
        AtomicInteger closed = new AtomicInteger();
        Runnable closer = closed::incrementAndGet;
        eps.getFirst().connected(closer);
        c.update(List.of(eps.get(1)));
        assertThat(picks(c, 10)).containsExactly(eps.get(1));
        assertThat(c.draining()).containsExactly(eps.getFirst());
        assertThat(closed).hasValue(0);
        c.connectionEnded(eps.getFirst(), closer, false);
        assertThat(c.draining()).isEmpty();
    }

    @Test
    @Timeout(10)
    void aRemovedEndpointsConnectionsAreClosedWhenTheGraceEnds() {
        timer = Executors.newSingleThreadScheduledExecutor();
        List<UpstreamEndpoint> eps = endpoints(2);
        Cluster c = new Cluster(config(50).withLimits(10_000, 1024, 50, Duration.ofMillis(100)), eps, timer, System::nanoTime);
        AtomicInteger closed = new AtomicInteger();
        Runnable closer = closed::incrementAndGet;
        eps.getFirst().connected(closer);
        eps.get(1).connected(() -> closed.addAndGet(100));
        long t0 = System.nanoTime();
        c.update(List.of(eps.get(1)));
        assertThat(closed).as("not before the grace").hasValue(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
}
