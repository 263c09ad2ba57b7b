package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.FakeUpstream;
import dev.berth.testing.Loopback;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Berth's outgoing PROXY protocol header read by a real nginx {@code stream} server, all on
 * loopback:
 *
 * <pre>
 * client 127.0.0.2 / 127.0.0.3 / ::1 ─► berth proxy (cluster proxy_protocol: v1 | v2)
 *        ─► nginx stream (listen ... proxy_protocol; logs $proxy_protocol_addr:$proxy_protocol_port)
 *        ─► echo backend
 * </pre>
 *
 * nginx logs the client address it read from Berth's header; it must be the address the
 * client bound before connecting to Berth, while nginx's own peer ({@code $remote_addr}) is
 * Berth's upstream side. The body goes on through nginx to an echo backend and back
 * ({@code proxy_half_close on}, so the client's FIN travels through nginx too), so a header whose
 * length nginx misread would corrupt it. Berth's health checks, which open with the LOCAL form
 * of the header, pass through nginx too.
 *
 * <p>Skipped when nginx or its stream module is not installed (Debian:
 * {@code apt-get install nginx libnginx-mod-stream}, see {@code .ci/run}). nginx runs in the
 * foreground as this test's child ({@code master_process off}: one process) with a config and
 * pid file in a temporary folder, never as the system service, and is stopped by its PID.
 */
@Timeout(90)
class NginxInteropTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
    private static final String LOG_FORMAT = "$proxy_protocol_addr $proxy_protocol_port $proxy_protocol_server_addr "
            + "$proxy_protocol_server_port $remote_addr $server_port $upstream_bytes_sent $status";

    @TempDir
    static Path dir;

    /** Why nginx cannot run here ({@code null}: it can); each test is skipped with this reason. */
    private static String unavailable;
    private static boolean v6;
    private static FakeUpstream echo;
    private static Process nginx;
    private static BerthProcess berth;
    private static AdminClient admin;
    private static int nginxPort4;
    private static int nginxPort6;
    /** Berth's listener ports by name: {@code v1-ipv4}, {@code v2-ipv6}, ... */
    private static Map<String, Integer> listeners;

    /** One line of nginx's stream access log, in {@link #LOG_FORMAT}'s order. */
    private record NginxLine(String clientAddr, String clientPort, String serverAddr, String serverPort, String remoteAddr,
                             String localPort, long upstreamBytesSent, String status) {
        static NginxLine parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 8) {
                throw new AssertionError("nginx log line with " + f.length + " fields: " + line);
            }
            return new NginxLine(f[0], f[1], f[2], f[3], f[4], f[5], f[6].equals("-") ? -1 : Long.parseLong(f[6]), f[7]);
        }
    }

    @BeforeAll
    @Timeout(60)
    static void start() throws Exception {
        String loadModule;
        if (!Files.isExecutable(NGINX)) {
            unavailable = NGINX + " is not installed (Debian: apt-get install nginx libnginx-mod-stream)";
            return;
        } else if (Files.isRegularFile(STREAM_MODULE)) {
            loadModule = "load_module " + STREAM_MODULE + ";";
        } else if (streamBuiltIn()) {
            loadModule = "";
        } else {
            unavailable = "nginx has no stream module (Debian: apt-get install libnginx-mod-stream)";
            return;
        }
        v6 = Loopback.ipv6Available();
        echo = new FakeUpstream(Loopback.V4, new FakeUpstream.Echo());
        nginxPort4 = Clients.freePort("127.0.0.1");
        nginxPort6 = v6 ? Clients.freePort("::1") : 0;
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                %s
                master_process off;
                events { worker_connections 256; }
                stream {
                    log_format berth '%s';
                    access_log %s berth;
                    server {
                        listen 127.0.0.1:%d proxy_protocol;
                        %s
                        proxy_pass 127.0.0.1:%d;
                        proxy_connect_timeout 5s;
                        proxy_half_close on;
                    }
                }
                """.formatted(loadModule, LOG_FORMAT, dir.resolve("stream.log"), nginxPort4,
                v6 ? "listen [::1]:" + nginxPort6 + " proxy_protocol;" : "", echo.port()));
        Path pidFile = dir.resolve("nginx.pid");
        nginx = new ProcessBuilder(NGINX.toString(), "-e", "stderr", "-p", dir.toString(), "-c", conf.toString(),
                "-g", "daemon off; pid " + pidFile + "; error_log stderr notice;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();

        listeners = new LinkedHashMap<>();
        StringBuilder yaml = new StringBuilder();
        int adminPort = Clients.freePort("127.0.0.1");
        yaml.append("admin:\n  address: 127.0.0.1:").append(adminPort).append("\nlisteners:\n");
        for (String version : List.of("v1", "v2")) {
            for (String family : v6 ? List.of("ipv4", "ipv6") : List.of("ipv4")) {
                String ip = family.equals("ipv4") ? "127.0.0.1" : "::1";
                int port = Clients.freePort(ip);
                listeners.put(version + "-" + family, port);
                yaml.append("""
                          - name: %s-%s
                            address: "%s:%d"
                            cluster: nginx-%s
                            access_log: %s
                        """.formatted(version, family, family.equals("ipv4") ? ip : "[::1]", port, version, dir.resolve("access.log")));
            }
        }
        yaml.append("clusters:\n");
        for (String version : List.of("v1", "v2")) {
            yaml.append("""
                      - name: nginx-%s
                        endpoints: ["%s"]
                        proxy_protocol: %s
                        health_check: {type: tcp, interval: 200ms, timeout: 2s, unhealthy_threshold: 1, healthy_threshold: 1, send: "ping\\n", expect: "ping"}
                    """.formatted(version, nginxEndpoint(version), version));
        }
        Path config = dir.resolve("berth.yaml");
        Files.writeString(config, yaml);
        berth = BerthProcess.start("proxy", "--config", config.toString());
        berth.awaitRecord("serving");
        admin = new AdminClient(adminPort);

        // Ready when Berth's checks pass through nginx: they open with v1 "PROXY UNKNOWN" or a v2
        // LOCAL header, then send "ping\n" and expect it back from the echo behind nginx.
        for (String version : List.of("v1", "v2")) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .failFast("nginx exited", () -> assertThat(nginx.isAlive()).as(() -> "nginx running; it wrote:\n" + nginxOutput()).isTrue())
                    .until(() -> admin.endpoint("nginx-" + version, nginxEndpoint(version)).path("health_check").asText(),
                            "healthy"::equals);
        }
    }

    @AfterAll
    @Timeout(60)
    static void stop() throws Exception {
        try {
            if (nginx != null) {
                nginx.destroy(); // SIGTERM to the PID we started: nginx's fast shutdown
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.destroyForcibly();
                    nginx.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (berth != null) {
                berth.close();
            }
            if (echo != null) {
                echo.close();
            }
        }
    }

    @BeforeEach
    void nginxRunsHere() {
        assumeThat(unavailable).as("skipped: %s", unavailable).isNull();
    }

    /** True when this nginx was built with the stream module in ({@code --with-stream}, not {@code =dynamic}). */
    private static boolean streamBuiltIn() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(NGINX.toString(), "-V").redirectErrorStream(true).start();
        String build = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Pattern.compile("--with-stream(\\s|$)").matcher(build).find();
    }

    /** nginx-v1 is reached over IPv4, nginx-v2 over IPv6 where the host has it. */
    private static String nginxEndpoint(String version) {
        return version.equals("v2") && v6 ? "[::1]:" + nginxPort6 : "127.0.0.1:" + nginxPort4;
    }

    private static String nginxOutput() {
        try {
            return Files.readString(dir.resolve("nginx.out"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Version, client source, and a body length of its own, so that nginx's line for the case is the one with that length. */
    static Stream<Arguments> cases() {
        List<String> sources = List.of("127.0.0.2", "127.0.0.3", "::1");
        return Stream.of("v1", "v2").flatMap(v -> sources.stream()
                .map(s -> Arguments.of(v, s, 50_000 + 1000 * (v.equals("v1") ? 0 : sources.size()) + 1000 * sources.indexOf(s))));
    }

    @ParameterizedTest(name = "Berth sends {0}, client {1}")
    @MethodSource("cases")
    void nginxLogsTheClientThatConnectedToBerth(String version, String source, int length) throws Exception {
        boolean v6Client = source.contains(":");
        assumeThat(!v6Client || v6).as("IPv6 loopback available").isTrue();
        String berthIp = v6Client ? "::1" : "127.0.0.1";
        int berthPort = listeners.get(version + "-" + (v6Client ? "ipv6" : "ipv4"));
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);

        InetSocketAddress client;
        try (Socket s = Clients.connectFrom(source, berthIp, berthPort)) {
            client = (InetSocketAddress) s.getLocalSocketAddress();
            byte[] back = Clients.exchange(s, body);
            assertThat(back.length).as("bytes echoed through Berth and nginx").isEqualTo(body.length);
            assertThat(Arrays.equals(back, body)).as("the same bytes, in order").isTrue();
        }

        Path log = dir.resolve("stream.log");
        NginxLine line = await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(log).stream()
                .map(NginxLine::parse)
                .filter(l -> l.upstreamBytesSent() == body.length)
                .findFirst().orElse(null), Objects::nonNull);
        assertThat(InetAddress.ofLiteral(line.clientAddr())).as("$proxy_protocol_addr").isEqualTo(client.getAddress());
        assertThat(line.clientPort()).as("$proxy_protocol_port").isEqualTo(Integer.toString(client.getPort()));
        assertThat(InetAddress.ofLiteral(line.serverAddr())).as("$proxy_protocol_server_addr: the address the client reached")
                .isEqualTo(InetAddress.ofLiteral(berthIp));
        assertThat(line.serverPort()).as("$proxy_protocol_server_port").isEqualTo(Integer.toString(berthPort));
        String berthSide = nginxEndpoint(version).startsWith("[") ? "::1" : "127.0.0.1";
        assertThat(InetAddress.ofLiteral(line.remoteAddr())).as("$remote_addr: Berth's upstream connection")
                .isEqualTo(InetAddress.ofLiteral(berthSide));
        assertThat(line.status()).isEqualTo("200");
    }

    @Test
    void nginxAcceptsTheLocalHeadersOfBerthsHealthChecks() throws Exception {
        for (String version : List.of("v1", "v2")) {
            JsonNode e = admin.endpoint("nginx-" + version, nginxEndpoint(version));
            assertThat(e.path("health_check").asText()).as(version + " checks through nginx").isEqualTo("healthy");
            assertThat(e.path("healthy").asBoolean()).isTrue();
        }
        // A check's session carries no client: nginx logs no PROXY address for it, and reads no error.
        List<NginxLine> checks = Files.readAllLines(dir.resolve("stream.log")).stream().map(NginxLine::parse)
                .filter(l -> l.clientAddr().equals("-")).toList();
        assertThat(checks).isNotEmpty().allSatisfy(l -> {
            assertThat(l.status()).isEqualTo("200");
            assertThat(l.upstreamBytesSent()).isEqualTo("ping\n".length());
        });
        assertThat(nginxOutput()).doesNotContain("broken header", "[error]", "[crit]");
    }
}
