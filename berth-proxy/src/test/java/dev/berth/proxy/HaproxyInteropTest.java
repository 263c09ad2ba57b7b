package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.ListenerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PROXY protocol against HAProxy, the protocol's reference implementation, all on loopback:
 *
 * <pre>
 * client 127.0.0.3 ─► HAProxy edge (send-proxy-v2) ─► Berth (accept; send v1 or v2)
 *                  ─► HAProxy app side (accept-proxy; send-proxy) ─► backend that decodes the header
 * </pre>
 *
 * Berth must read HAProxy's v2 header, and HAProxy must read Berth's, for the backend to see
 * 127.0.0.3 as the client. Skipped when {@code haproxy} is not installed
 * ({@code apt-get install haproxy}); HAProxy runs in the foreground as a child and is stopped
 * by its own process handle.
 */
@Timeout(60)
class HaproxyInteropTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;

    private Process haproxy;
    private ProxyHarness harness;
    private HeaderEchoBackend backend;

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.onExit().get();
        }
        if (harness != null) {
            harness.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest(name = "Berth sends {0}")
    @EnumSource(value = ClusterConfig.ProxyProtocol.class, names = {"V1", "V2"})
    void haproxyAndBerthReadEachOthersHeaders(ClusterConfig.ProxyProtocol send) throws Exception {
        assumeThat(Files.isExecutable(HAPROXY)).as("haproxy installed").isTrue();
        backend = new HeaderEchoBackend(InetAddress.ofLiteral("127.0.0.1"));
        int edge = freePort();
        int appSide = freePort();
        harness = new ProxyHarness(dir);
        ListenerConfig l = TestConfigs.acceptProxyProtocol(TestConfigs.listener("127.0.0.1", "app", harness.accessLog),
                "127.0.0.1/32", Duration.ofSeconds(5));
        ClusterConfig c = TestConfigs.sendProxyProtocol(
                new ClusterConfig("app", ClusterConfig.Discovery.STATIC, List.of(new EndpointConfig("127.0.0.1", appSide, 1)),
                        ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(5), 100, 1, Duration.ofSeconds(5)), send);
        InetSocketAddress berth = harness.start(TestConfigs.config(l, c));

        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend edge
                    bind 127.0.0.1:%d
                    default_backend to_berth
                backend to_berth
                    server berth 127.0.0.1:%d send-proxy-v2
                frontend app_side
                    bind 127.0.0.1:%d accept-proxy
                    default_backend to_app
                backend to_app
                    server app 127.0.0.1:%d send-proxy
                """.formatted(edge, berth.getPort(), appSide, backend.address().getPort()));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.out").toFile()).start();
        InetSocketAddress edgeAddress = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), edge);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket()) {
                probe.connect(edgeAddress, 1000);
                return true;
            }
        });

        byte[] body = "through HAProxy and Berth and HAProxy again\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress client;
        try (Socket s = ProxyHarness.connectFrom("127.0.0.3", edgeAddress)) {
            client = (InetSocketAddress) s.getLocalSocketAddress();
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            s.getOutputStream().write(body);
            s.shutdownOutput();
            assertThat(echoed.get()).isEqualTo(body);
        }
        await().until(() -> backend.seen.stream().anyMatch(x -> client.equals(x.source())));
        HeaderEchoBackend.Seen seen = backend.seen.stream().filter(x -> client.equals(x.source())).findFirst().orElseThrow();
        assertThat(seen.destination()).isEqualTo(edgeAddress);
        // The readiness probe may have made a record of its own (a connection without data): find ours.
        String expected = "127.0.0.3:" + client.getPort();
        JsonNode r = await().until(() -> harness.records().stream().filter(x -> x.get("client").asText().equals(expected))
                .findFirst().orElse(null), Objects::nonNull);
        assertThat(r.get("downstream").asText()).startsWith("127.0.0.1:");
        assertThat(r.get("reason").asText()).isIn("DC", "UC");
    }
}
