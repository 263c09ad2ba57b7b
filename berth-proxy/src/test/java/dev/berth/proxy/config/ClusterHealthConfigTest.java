package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster fields for health, circuit breakers and endpoint removal: defaults and spellings. */
class ClusterHealthConfigTest {

    private static ClusterConfig cluster(String fields) {
        String yaml = """
                listeners:
                  - {name: in, address: 127.0.0.1:15001, cluster: app}
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:8080]
                """ + fields.indent(4);
        return ConfigLoader.parse(yaml, "berth.yaml").cluster("app");
    }

    @Test
    void withoutTheFieldsThereIsNoCheckingAndTheBreakerDefaults() {
        ClusterConfig c = cluster("");
        assertThat(c.healthCheck()).isNull();
        assertThat(c.outlierDetection()).isNull();
        assertThat(c.maxPending()).isEqualTo(1024);
        assertThat(c.panicThreshold()).isEqualTo(50);
        assertThat(c.endpointRemovalGrace()).isZero();
    }

    @Test
    void aHealthCheckWrittenWithoutAValueIsNone() {
        assertThat(cluster("health_check:\noutlier_detection: ~").healthCheck()).isNull();
    }

    @Test
    void anEmptyMappingTurnsCheckingOnWithEveryDefault() {
        ClusterConfig c = cluster("health_check: {}\noutlier_detection: {}");
        assertThat(c.healthCheck()).isEqualTo(HealthCheckConfig.tcp());
        HealthCheckConfig h = c.healthCheck();
        assertThat(h.type()).isEqualTo(HealthCheckConfig.Type.TCP);
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.unhealthyThreshold()).isEqualTo(3);
        assertThat(h.healthyThreshold()).isEqualTo(2);
        assertThat(h.jitter()).isZero();
        assertThat(h.newEndpointsHealthy()).isTrue();
        assertThat(h.send()).isNull();
        assertThat(h.expect()).isNull();
        assertThat(c.outlierDetection()).isEqualTo(new OutlierDetectionConfig(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 10));
        assertThat(c.outlierDetection()).isEqualTo(OutlierDetectionConfig.defaults());
    }

    @Test
    void anHttpCheckDefaultsToSlashAnd200To399() {
        HealthCheckConfig h = cluster("health_check: {type: http}").healthCheck();
        assertThat(h.path()).isEqualTo("/");
        assertThat(h.expectedStatuses()).containsExactly(new HealthCheckConfig.StatusRange(200, 399));
        assertThat(h.expects(200)).isTrue();
        assertThat(h.expects(399)).isTrue();
        assertThat(h.expects(400)).isFalse();
        assertThat(h.expects(199)).isFalse();
    }

    @Test
    void expectedStatusesMixSingleStatusesAndRanges() {
        HealthCheckConfig h = cluster("health_check: {type: http, path: /healthz, expected_statuses: [204, \"300-301\"]}").healthCheck();
        assertThat(h.expectedStatuses()).containsExactly(new HealthCheckConfig.StatusRange(204, 204),
                new HealthCheckConfig.StatusRange(300, 301));
        assertThat(h.expectedStatuses()).extracting(Object::toString).containsExactly("204", "300-301");
    }

    @Test
    void textAndHexPayloadsAreTheSameBytes() {
        HealthCheckConfig text = cluster("health_check: {send: \"PING\\r\\n\", expect: +PONG}").healthCheck();
        HealthCheckConfig hex = cluster("health_check: {send_hex: 50494E470D0A, expect_hex: 2b504f4e47}").healthCheck();
        assertThat(text).isEqualTo(hex);
        assertThat(text.send().bytes()).isEqualTo("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(text.send().asText()).isEqualTo("PING\r\n");
        assertThat(text.expect().asHex()).isEqualTo("2b504f4e47");
    }

    @Test
    void binaryPayloadsAreShownAsHex() {
        HealthCheckConfig h = cluster("health_check: {send_hex: \"000102\", expect_hex: ff}").healthCheck();
        assertThat(h.send().asText()).isNull();
        assertThat(h.expect().asText()).isNull();
        String dump = ConfigDump.toYaml(configWith(h));
        assertThat(dump).contains("send_hex:", "expect_hex: ff").doesNotContain("send:", "expect:");
        assertThat(ConfigLoader.parse(dump, "dump.yaml")).isEqualTo(configWith(h));
    }

    private static ProxyConfig configWith(HealthCheckConfig h) {
        ProxyConfig d = ConfigLoader.defaults();
        return new ProxyConfig(d.admin(), d.listeners(), List.of(d.clusters().getFirst().withHealthCheck(h)), d.shutdown());
    }

    @Test
    void thresholdsTimingAndBreakersAreRead() {
        ClusterConfig c = cluster("""
                max_pending: 10
                panic_threshold: 0
                endpoint_removal_grace: 30s
                health_check:
                  interval: 250ms
                  timeout: 100ms
                  unhealthy_threshold: 1
                  healthy_threshold: 4
                  jitter: 50ms
                  new_endpoints_healthy: false
                outlier_detection:
                  consecutive_failures: 2
                  base_ejection_time: 1s
                  max_ejection_time: 10s
                  max_ejection_percent: 100
                """);
        assertThat(c.maxPending()).isEqualTo(10);
        assertThat(c.panicThreshold()).isZero();
        assertThat(c.endpointRemovalGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.healthCheck()).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Type.TCP, Duration.ofMillis(250),
                Duration.ofMillis(100), 1, 4, Duration.ofMillis(50), false, null, null, null, List.of()));
        assertThat(c.outlierDetection()).isEqualTo(new OutlierDetectionConfig(2, Duration.ofSeconds(1), Duration.ofSeconds(10), 100));
    }
}
