package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String MINIMAL = """
            listeners:
              - name: inbound
                address: 0.0.0.0:15001
                cluster: local-app
            clusters:
              - name: local-app
                endpoints: [127.0.0.1:8080]
            """;

    @Test
    void builtInSidecarIsTheMinimalFileWithAllDefaults() {
        assertThat(ConfigLoader.defaults()).isEqualTo(ConfigLoader.parse(MINIMAL, "berth.yaml"));
    }

    @Test
    void builtInSidecarValues() {
        ProxyConfig c = ConfigLoader.defaults();
        assertThat(c.admin().address()).isEqualTo(new InetSocketAddress("127.0.0.1", 15000));
        ListenerConfig l = c.listeners().getFirst();
        assertThat(l.name()).isEqualTo("inbound");
        assertThat(l.address()).isEqualTo(new InetSocketAddress("0.0.0.0", 15001));
        assertThat(l.address().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(l.cluster()).isEqualTo("local-app");
        assertThat(l.backlog()).isEqualTo(1024);
        assertThat(l.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(l.maxConnectionDuration()).isZero();
        assertThat(l.bufferBytes()).isEqualTo(65536);
        assertThat(l.tcpNoDelay()).isTrue();
        assertThat(l.accessLog()).isEqualTo(AccessLogConfig.STDOUT);
        ClusterConfig cl = c.cluster("local-app");
        assertThat(cl.discovery()).isEqualTo(ClusterConfig.Discovery.STATIC);
        assertThat(cl.endpoints()).containsExactly(new EndpointConfig("127.0.0.1", 8080, 1));
        assertThat(cl.lb()).isEqualTo(ClusterConfig.LbPolicy.ROUND_ROBIN);
        assertThat(cl.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cl.maxConnections()).isEqualTo(10_000);
        assertThat(cl.connectAttempts()).isEqualTo(3);
        assertThat(cl.dnsRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.shutdown()).isEqualTo(new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(30)));
    }

    @Test
    void loadsAFileAndNamesItInErrorsAsGiven(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("berth.yaml");
        Files.writeString(file, MINIMAL);
        assertThat(ConfigLoader.load(file)).isEqualTo(ConfigLoader.defaults());

        Files.writeString(file, MINIMAL.replace("15001", "70000"));
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3:14: listeners[0].address: port 70000 (expected: 1-65535)");
    }

    @Test
    void missingFileIsOneErrorWithoutPosition(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class).hasMessage(file + ": no such file");
    }

    @Test
    void directoryAndBinaryFilesAreErrorsNotCrashes(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(dir)).isInstanceOf(ConfigException.class).hasMessage(dir + ": cannot read: Is a directory");
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> ConfigLoader.load(binary)).isInstanceOf(ConfigException.class).hasMessage(binary + ": not UTF-8 text");
    }

    @Test
    void byteOrderMarkIsIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.write(file, ("\uFEFF" + MINIMAL).getBytes(StandardCharsets.UTF_8));
        assertThat(ConfigLoader.load(file)).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void errorsCarryTheirPartsAndComeInFileOrder() {
        String yaml = """
                clusters:
                  - name: app
                    endpoints: [127.0.0.1:8080]
                    lb: fastest
                listeners:
                  - {name: in, address: 127.0.0.1:0, cluster: app}
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "x.yaml"));
        assertThat(e.errors()).containsExactly(
                new ConfigError("x.yaml", 4, 9, "clusters[0].lb", "'fastest' is not one of round_robin, least_connections, random, ring_hash"),
                new ConfigError("x.yaml", 6, 25, "listeners[0].address", "port 0 (expected: 1-65535)"));
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors().stream().map(ConfigError::toString).toList()));
        assertThat(e.getStackTrace()).as("a user's mistake, not a bug").isEmpty();
    }

    @Test
    void errorWithoutPositionOrPathFormatsWithoutThem() {
        assertThat(new ConfigError("a.yaml", 0, 0, "", "no such file")).hasToString("a.yaml: no such file");
        assertThat(new ConfigError("a.yaml", 1, 1, "", "empty")).hasToString("a.yaml:1:1: empty");
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointsAcceptBothFormsAndNormaliseLiterals() {
        ProxyConfig c = ConfigLoader.parse("""
                listeners: [{name: in, address: "[::]:15001", cluster: app}]
                clusters:
                  - name: app
                    endpoints:
                      - "[2001:DB8:0::1]:80"
                      - {address: 10.0.0.1:81, weight: 7}
                """, "berth.yaml");
        assertThat(c.cluster("app").endpoints()).containsExactly(
                new EndpointConfig("2001:db8::1", 80, 1), new EndpointConfig("10.0.0.1", 81, 7));
        assertThat(c.cluster("app").endpoints().getFirst().authority()).isEqualTo("[2001:db8::1]:80");
    }

    @Test
    void explicitNullAndEmptyValuesMeanTheDefault() {
        ProxyConfig c = ConfigLoader.parse(MINIMAL + """
                admin:
                shutdown: ~
                """, "berth.yaml");
        assertThat(c).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void quotedNumbersAndSizeUnitsAreRead() {
        ProxyConfig c = ConfigLoader.parse("""
                listeners:
                  - {name: in, address: 127.0.0.1:15001, cluster: app, backlog: "512", buffer_bytes: 4KiB}
                  - {name: out, address: 127.0.0.1:15002, cluster: app, buffer_bytes: 16MiB}
                clusters: [{name: app, endpoints: [127.0.0.1:8080]}]
                """, "berth.yaml");
        assertThat(c.listeners()).extracting(ListenerConfig::bufferBytes).containsExactly(4096, 16 * 1024 * 1024);
        assertThat(c.listeners().getFirst().backlog()).isEqualTo(512);
    }

    @Test
    void accessLogTargets() {
        ProxyConfig c = ConfigLoader.parse("""
                listeners:
                  - {name: a, address: 127.0.0.1:1, cluster: app, access_log: stdout}
                  - {name: b, address: 127.0.0.1:2, cluster: app, access_log: "off"}
                  - {name: c, address: 127.0.0.1:3, cluster: app, access_log: /tmp/a.log}
                  - {name: d, address: 127.0.0.1:4, cluster: app, access_log: ./off}
                clusters: [{name: app, endpoints: [127.0.0.1:8080]}]
                """, "berth.yaml");
        assertThat(c.listeners()).extracting(ListenerConfig::accessLog).containsExactly(
                AccessLogConfig.STDOUT,
                new AccessLogConfig(AccessLogConfig.Target.OFF, null),
                new AccessLogConfig(AccessLogConfig.Target.FILE, Path.of("/tmp/a.log")),
                new AccessLogConfig(AccessLogConfig.Target.FILE, Path.of("./off")));
    }

    @Test
    void yamlOffWithoutQuotesIsTheStringOff() {
        // YAML 1.1 reads an unquoted off as false; Jackson's YAML 1.2-style reading keeps it a word.
        ProxyConfig c = ConfigLoader.parse(MINIMAL.replace("cluster: local-app", "cluster: local-app\n    access_log: off"), "b.yaml");
        assertThat(c.listeners().getFirst().accessLog().target()).isEqualTo(AccessLogConfig.Target.OFF);
    }

    @Test
    void separateListenersMayShareAPortOnDifferentAddressesAndFamilies() {
        ProxyConfig c = ConfigLoader.parse("""
                listeners:
                  - {name: v4, address: 0.0.0.0:15001, cluster: app}
                  - {name: v6, address: "[::1]:15001", cluster: app}
                  - {name: lo, address: 127.0.0.2:15002, cluster: app}
                  - {name: lo2, address: 127.0.0.3:15002, cluster: app}
                clusters: [{name: app, endpoints: [127.0.0.1:8080]}]
                """, "berth.yaml");
        assertThat(c.listeners()).hasSize(4);
    }

    @Test
    void tooLargeFileIsRefusedBeforeReading(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "#".repeat(2 * 1024 * 1024));
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": larger than 1 MiB; is this the configuration file?");
    }
}
