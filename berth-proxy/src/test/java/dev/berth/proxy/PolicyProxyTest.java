package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.testing.FakeUpstream;
import dev.berth.testing.Loopback;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The source-CIDR policy over real loopback sockets: clients connect from 127.0.0.2, 127.0.0.3
 * and ::1 to one dual-stack listener; a denied client is closed at once with {@code PD} and the
 * backend never sees a connection; shadow mode lets it through and counts it.
 */
@Timeout(60)
class PolicyProxyTest {

    @TempDir
    Path dir;

    private ProxyHarness harness;
    private FakeUpstream backend;

    @AfterEach
    void stop() throws IOException {
        if (harness != null) {
            harness.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** One listener (dual-stack {@code [::]} when IPv6 loopback works, else 127.0.0.1) with {@code policy}, to an echo backend. */
    private InetSocketAddress start(PolicyConfig policy) throws Exception {
        backend = new FakeUpstream(Loopback.V4, new FakeUpstream.Echo());
        harness = new ProxyHarness(dir);
        String listen = Loopback.ipv6Available() ? "::" : "127.0.0.1";
        ListenerConfig l = TestConfigs.policy(TestConfigs.listener(listen, "backend", harness.accessLog), policy);
        ClusterConfig c = TestConfigs.cluster("backend", List.of(backend.address()));
        InetSocketAddress bound = harness.start(TestConfigs.config(l, c));
        return bound;
    }

    private static InetSocketAddress target(InetSocketAddress bound, String source) {
        return new InetSocketAddress(source.contains(":") ? Loopback.V6 : Loopback.V4, bound.getPort());
    }

    /** Sends a line and expects it back through the proxy. */
    private static void echoes(Socket s) throws IOException {
        byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(hello);
        s.shutdownOutput();
        assertThat(s.getInputStream().readAllBytes()).isEqualTo(hello);
    }

    @ParameterizedTest(name = "default {0}, allow [{1}], deny [{2}]: {3} {4}")
    @CsvSource({
            "deny,  127.0.0.0/8 ::1/128, 127.0.0.3/32, 127.0.0.2, allowed",
            "deny,  127.0.0.0/8 ::1/128, 127.0.0.3/32, 127.0.0.3, denied",
            "deny,  127.0.0.0/8 ::1/128, 127.0.0.3/32, ::1,       allowed",
            "deny,  127.0.0.2/32,        '',           127.0.0.3, denied",
            "deny,  127.0.0.2/32,        '',           ::1,       denied",
            "allow, '',                  ::1/128,      ::1,       denied",
            "allow, '',                  ::1/128,      127.0.0.2, allowed",
            "allow, 127.0.0.3/32,        127.0.0.0/8,  127.0.0.3, allowed",
            "allow, 127.0.0.3/32,        127.0.0.0/8,  127.0.0.2, denied",
            "allow, 127.0.0.3/32,        127.0.0.3/32, 127.0.0.3, denied",
            "deny,  ::ffff:127.0.0.0/104, '',          127.0.0.2, allowed"})
    void theMostSpecificRuleDecidesAtAccept(String defaultAction, String allow, String deny, String client, String outcome)
            throws Exception {
        assumeThat(Loopback.ipv6Available() || !client.contains(":")).isTrue();
        InetSocketAddress bound = start(TestConfigs.policy(defaultAction, allow, deny, false));
        try (Socket s = ProxyHarness.connectFrom(client, target(bound, client))) {
            if (outcome.equals("allowed")) {
                echoes(s);
            } else {
                assertThat(ProxyHarness.closedByPeer(s)).isTrue();
            }
        }
        JsonNode r = harness.awaitRecords(1).getFirst();
        assertThat(r.get("downstream").asText()).contains(client + (client.contains(":") ? "]:" : ":"));
        assertThat(r.get("client").isNull()).isTrue();
        if (outcome.equals("allowed")) {
            assertThat(r.get("reason").asText()).isEqualTo("DC");
            assertThat(backend.accepted()).isEqualTo(1);
        } else {
            assertThat(r.get("reason").asText()).isEqualTo("PD");
            assertThat(r.get("detail").asText()).startsWith("denied by policy: ");
            assertThat(r.get("upstream").isNull()).isTrue();
            assertThat(r.get("connect_attempts").asInt()).isZero();
            assertThat(r.get("bytes_received").asLong()).isZero();
            assertThat(backend.accepted()).as("the backend never saw a denied client").isZero();
            assertThat(harness.metric("downstream_cx_denied_total", "listener=\"in\"")).isEqualTo(1.0);
        }
    }

    @Test
    void deniedClientsNeverReachTheBackendWhileAllowedOnesDo() throws Exception {
        InetSocketAddress bound = start(TestConfigs.policy("deny", "127.0.0.2/32", "", false));
        for (int i = 0; i < 5; i++) {
            try (Socket s = ProxyHarness.connectFrom("127.0.0.3", target(bound, "127.0.0.3"))) {
                // Bytes sent before the close are never forwarded (the client may see a reset for them).
                s.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
                assertThat(ProxyHarness.closedByPeer(s)).isTrue();
            }
        }
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", target(bound, "127.0.0.2"))) {
            echoes(s);
        }
        List<JsonNode> records = harness.awaitRecords(6);
        assertThat(records.stream().filter(r -> r.get("reason").asText().equals("PD"))).hasSize(5)
                .allSatisfy(r -> assertThat(r.get("detail").asText()).isEqualTo("denied by policy: default deny"));
        assertThat(backend.accepted()).isEqualTo(1);
        assertThat(backend.connections().getFirst().bytesRead.get()).isEqualTo(6); // "hello\n" only
        assertThat(harness.metric("downstream_cx_denied_total", "listener=\"in\"")).isEqualTo(5.0);
        assertThat(harness.metric("downstream_cx_total", "listener=\"in\"")).isEqualTo(6.0);
        await().until(() -> harness.metric("downstream_cx_active", "listener=\"in\"") == 0.0);
    }

    @Test
    void shadowModeLetsWouldBeDeniedClientsThroughAndCountsThem() throws Exception {
        InetSocketAddress bound = start(TestConfigs.policy("allow", "", "127.0.0.3/32", true));
        try (Socket s = ProxyHarness.connectFrom("127.0.0.3", target(bound, "127.0.0.3"))) {
            echoes(s);
        }
        try (Socket s = ProxyHarness.connectFrom("127.0.0.2", target(bound, "127.0.0.2"))) {
            echoes(s);
        }
        List<JsonNode> records = harness.awaitRecords(2);
        assertThat(records).allSatisfy(r -> assertThat(r.get("reason").asText()).isEqualTo("DC"));
        assertThat(backend.accepted()).isEqualTo(2);
        assertThat(harness.metric("downstream_cx_shadow_denied_total", "listener=\"in\"")).isEqualTo(1.0);
        assertThat(harness.metric("downstream_cx_denied_total", "listener=\"in\"")).isZero();
    }

    @Test
    void withoutAPolicyEveryoneIsLetThroughAndNothingIsCounted() throws Exception {
        InetSocketAddress bound = start(PolicyConfig.ALLOW_ALL);
        try (Socket s = ProxyHarness.connectFrom("127.0.0.3", target(bound, "127.0.0.3"))) {
            echoes(s);
        }
        assertThat(harness.awaitRecords(1).getFirst().get("reason").asText()).isEqualTo("DC");
        assertThat(harness.metric("downstream_cx_denied_total", "listener=\"in\"")).isZero();
    }
}
