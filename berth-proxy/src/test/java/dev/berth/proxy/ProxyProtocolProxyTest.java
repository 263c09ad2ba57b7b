package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder;
import dev.berth.testing.Loopback;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PROXY protocol over real loopback sockets: a client (standing in for a load balancer) sends
 * a header to Berth; Berth re-sends one to a backend that decodes it; the addresses and every
 * byte after the header arrive as sent. Untrusted peers and bad or slow headers are closed
 * with {@code PP} and never reach the backend.
 */
@Timeout(60)
class ProxyProtocolProxyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ProxyHarness harness;
    private HeaderEchoBackend backend;

    @AfterEach
    void stop() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    private static byte[] header(int version, InetSocketAddress source, InetSocketAddress destination) {
        return version == 1 ? ProxyHeaderEncoder.v1(source, destination) : ProxyHeaderEncoder.v2(source, destination);
    }

    private static ClusterConfig.ProxyProtocol send(int version) {
        return switch (version) {
            case 0 -> ClusterConfig.ProxyProtocol.NONE;
            case 1 -> ClusterConfig.ProxyProtocol.V1;
            default -> ClusterConfig.ProxyProtocol.V2;
        };
    }

    /** A listener on {@code listen} that accepts PROXY headers from {@code trusted}, to the header-decoding backend. */
    private InetSocketAddress start(String listen, String trusted, Duration timeout, PolicyConfig policy, int sendVersion)
            throws Exception {
        backend = new HeaderEchoBackend(Loopback.V4);
        harness = new ProxyHarness(dir);
        ListenerConfig l = TestConfigs.listener(listen, "backend", harness.accessLog);
        if (trusted != null) {
            l = TestConfigs.acceptProxyProtocol(l, trusted, timeout);
        }
        l = TestConfigs.policy(l, policy);
        ClusterConfig c = TestConfigs.sendProxyProtocol(TestConfigs.cluster("backend", List.of(backend.address())), send(sendVersion));
        return harness.start(TestConfigs.config(l, c));
    }

    /**
     * Writes {@code header} and {@code body} in one write (so the body follows the header in
     * the proxy's first read), half-closes, and returns everything echoed (read meanwhile, so
     * a large body cannot fill every buffer on the loop).
     */
    private static byte[] exchange(Socket s, byte[] header, byte[] body) throws Exception {
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
            try {
                return s.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        OutputStream out = s.getOutputStream();
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        out.write(all);
        s.shutdownOutput();
        return echoed.get();
    }

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "listener {0}, client {1}: v{2} in, v{3} out")
    @CsvSource({
            "127.0.0.1, 192.0.2.7,   1, 1", "127.0.0.1, 192.0.2.7,   2, 2",
            "127.0.0.1, 192.0.2.7,   1, 2", "127.0.0.1, 192.0.2.7,   2, 1",
            "127.0.0.1, 2001:db8::7, 1, 1", "127.0.0.1, 2001:db8::7, 2, 2",
            "::1,       192.0.2.7,   2, 1", "::1,       2001:db8::7, 1, 2"})
    void theClientInTheHeaderIsWhatTheBackendSeesAndTheBytesAfterItArriveUnchanged(
            String listen, String clientIp, int in, int out) throws Exception {
        assumeThat(Loopback.ipv6Available() || !listen.contains(":")).isTrue();
        InetSocketAddress bound = start(listen, "127.0.0.0/8 ::1/128", TIMEOUT, PolicyConfig.ALLOW_ALL, out);
        InetSocketAddress client = at(clientIp, 51234);
        InetSocketAddress destination = at(clientIp.contains(":") ? "2001:db8::2" : "198.51.100.2", 443);
        byte[] body = body(300_000);
        try (Socket s = ProxyHarness.connectFrom(listen, bound)) {
            assertThat(exchange(s, header(in, client, destination), body)).isEqualTo(body);
        }
        await().until(() -> backend.seen.size() == 1);
        HeaderEchoBackend.Seen seen = backend.seen.getFirst();
        assertThat(seen.error()).isNull();
        assertThat(seen.version()).isEqualTo(out == 1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
        assertThat(seen.protocol()).isEqualTo(clientIp.contains(":") ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4);
        assertThat(seen.source()).isEqualTo(client);
        assertThat(seen.destination()).isEqualTo(destination);
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("client").asText()).isEqualTo(clientIp.contains(":") ? "[" + clientIp + "]:51234" : clientIp + ":51234");
        assertThat(r.get("downstream").asText()).contains(listen);
        assertThat(r.get("bytes_received").asLong()).isEqualTo(body.length);
        assertThat(r.get("reason").asText()).isEqualTo("DC");
    }

    @Test
    void withoutAnIncomingHeaderTheBackendIsToldTheDirectPeerAndTheListenerAddress() throws Exception {
        InetSocketAddress bound = start("127.0.0.1", null, TIMEOUT, PolicyConfig.ALLOW_ALL, 2);
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", bound)) {
            byte[] body = body(1000);
            assertThat(exchange(s, new byte[0], body)).isEqualTo(body);
            await().until(() -> backend.seen.size() == 1);
            HeaderEchoBackend.Seen seen = backend.seen.getFirst();
            assertThat(seen.source()).isEqualTo(s.getLocalSocketAddress());
            assertThat(seen.destination()).isEqualTo(bound);
        }
        assertThat(harness.awaitRecords(1).getFirst().get("client").isNull()).isTrue();
    }

    @Test
    void aLocalHeaderKeepsTheDirectPeerAsTheClient() throws Exception {
        InetSocketAddress bound = start("127.0.0.1", "127.0.0.0/8", TIMEOUT, PolicyConfig.ALLOW_ALL, 1);
        byte[] local = java.util.HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000");
        try (Socket s = ProxyHarness.connectFrom("127.0.0.3", bound)) {
            assertThat(exchange(s, local, "ping".getBytes(StandardCharsets.US_ASCII))).asString().isEqualTo("ping");
            await().until(() -> backend.seen.size() == 1);
            assertThat(backend.seen.getFirst().source()).isEqualTo(s.getLocalSocketAddress());
        }
        assertThat(harness.awaitRecords(1).getFirst().get("client").isNull()).isTrue();
    }

    @Test
    void aHeaderFromAPeerOutsideTrustedSourcesIsClosedAndNeverReachesTheBackend() throws Exception {
        InetSocketAddress bound = start("127.0.0.1", "127.0.0.2/32", TIMEOUT, PolicyConfig.ALLOW_ALL, 0);
        try (Socket s = ProxyHarness.connectFrom("127.0.0.3", bound)) {
            s.getOutputStream().write(ProxyHeaderEncoder.v1(at("192.0.2.7", 1), at("10.0.0.1", 2)));
            assertThat(ProxyHarness.closedByPeer(s)).isTrue();
        }
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("reason").asText()).isEqualTo("PP");
        assertThat(r.get("detail").asText()).isEqualTo("PROXY protocol header not accepted from 127.0.0.3 (not in trusted_sources)");
        assertThat(r.get("client").isNull()).isTrue();
        assertThat(r.get("upstream").isNull()).isTrue();
        assertThat(backend.seen).isEmpty();
        assertThat(harness.metric("downstream_cx_proxy_protocol_error_total", "listener=\"in\"")).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a PROXY header | GET / HTTP/1.1\\r\\nHost: app\\r\\n\\r\\n | malformed PROXY protocol header: unknown identifier: GET",
            "v1 too long        | PROXY TCP4 192.0.2.1 192.0.2.2 1 2 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789 | malformed PROXY protocol header: header length",
            "v1 bad address     | PROXY TCP4 192.0.2.300 192.0.2.2 1 2\\r\\n | malformed PROXY protocol header: invalid IPv4 address: 192.0.2.300"})
    void malformedAndOversizedHeadersAreClosedWithPp(String what, String text, String detail) throws Exception {
        InetSocketAddress bound = start("127.0.0.1", "127.0.0.0/8", TIMEOUT, PolicyConfig.ALLOW_ALL, 0);
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", bound)) {
            s.getOutputStream().write(text.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(ProxyHarness.closedByPeer(s)).as(what).isTrue();
        }
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("reason").asText()).isEqualTo("PP");
        assertThat(r.get("detail").asText()).startsWith(detail);
        assertThat(backend.seen).isEmpty();
        assertThat(harness.metric("downstream_cx_proxy_protocol_error_total", "listener=\"in\"")).isEqualTo(1.0);
    }

    @Test
    void aHeaderThatDoesNotArriveInTimeIsClosedWithPp() throws Exception {
        InetSocketAddress bound = start("127.0.0.1", "127.0.0.0/8", Duration.ofMillis(300), PolicyConfig.ALLOW_ALL, 0);
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", bound)) {
            s.getOutputStream().write("PROXY TCP4 192.0.2.1 ".getBytes(StandardCharsets.US_ASCII));
            assertThat(ProxyHarness.closedByPeer(s)).isTrue(); // blocks until the proxy gives up
        }
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("reason").asText()).isEqualTo("PP");
        assertThat(r.get("detail").asText()).isEqualTo("no complete PROXY protocol header within 300 ms");
        assertThat(r.get("duration_ms").asLong()).isGreaterThanOrEqualTo(250);
        assertThat(backend.seen).isEmpty();
    }

    @ParameterizedTest(name = "header client {0}: {1}")
    @CsvSource({"192.0.2.7, allowed", "198.51.100.7, denied", "2001:db8::7, denied"})
    void thePolicyJudgesTheClientTheHeaderCarriesNotTheDirectPeer(String clientIp, String outcome) throws Exception {
        // The direct peer, 127.0.0.2, is trusted but not in the allow list: only the header's client counts.
        InetSocketAddress bound = start("127.0.0.1", "127.0.0.0/8", TIMEOUT,
                TestConfigs.policy("deny", "192.0.2.0/24", "", false), 0);
        InetSocketAddress client = at(clientIp, 4000);
        InetSocketAddress destination = at(clientIp.contains(":") ? "::1" : "127.0.0.1", bound.getPort());
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", bound)) {
            byte[] h = ProxyHeaderEncoder.v2(client, destination);
            if (outcome.equals("allowed")) {
                // The cluster sends no header here, so the backend sees the client's bytes as they came.
                s.getOutputStream().write(h);
                s.getOutputStream().write(ProxyHeaderEncoder.v1(at("203.0.113.1", 1), at("203.0.113.2", 2)));
                s.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(s.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("after");
            } else {
                s.getOutputStream().write(h);
                assertThat(ProxyHarness.closedByPeer(s)).isTrue();
            }
        }
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("client").asText()).contains(clientIp);
        if (outcome.equals("allowed")) {
            assertThat(r.get("reason").asText()).isEqualTo("DC");
            await().until(() -> backend.seen.size() == 1);
            assertThat(backend.seen.getFirst().source()).isEqualTo(at("203.0.113.1", 1));
        } else {
            assertThat(r.get("reason").asText()).isEqualTo("PD");
            assertThat(r.get("detail").asText()).isEqualTo("denied by policy: default deny");
            assertThat(backend.seen).isEmpty();
        }
    }
}
