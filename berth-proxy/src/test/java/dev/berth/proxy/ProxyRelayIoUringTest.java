package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.server.transport.Transport;
import dev.berth.testing.FakeUpstream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Every relay test of {@link ProxyRelayTest} — exact bytes both ways at once over IPv4 and IPv6,
 * a thousand concurrent connections, half-close both ways, resets both ways, server-speaks-first,
 * back-pressure with bounded memory, access-log records — on the io_uring transport
 * ({@code --transport io_uring}), plus what differs there: the transport really is io_uring, a
 * listener asking for zero copy still copies, and IPv4 clients of its dual-stack sockets are
 * logged as IPv4 addresses.
 */
@EnabledOnOs(OS.LINUX)
class ProxyRelayIoUringTest extends ProxyRelayTest {

    @BeforeAll
    static void ioUringRunsHere() {
        // Linux 5.x and later has it unless a seccomp profile or io_uring_disabled forbids it;
        // CI runs on such a kernel, so a missing io_uring is a failure here, not a skip.
        assertThat(Transport.IO_URING.available()).as("io_uring: %s", Transport.IO_URING.unavailabilityReason()).isTrue();
    }

    @Override
    Transport transport() {
        return Transport.IO_URING;
    }

    @Test
    void theDataPathRunsOnIoUring() throws Exception {
        start("127.0.0.1", upstream("127.0.0.1", new FakeUpstream.Echo()));
        assertThat(proxy().transport()).isEqualTo(Transport.IO_URING);
    }

    @Test
    void aListenerAskingForZeroCopyCopiesExactly() throws Exception {
        InetSocketAddress proxyAddress = start(TestConfigs.config(
                TestConfigs.listener("127.0.0.1", "backend", accessLog()).withZeroCopy(ListenerConfig.ZeroCopy.ALWAYS),
                TestConfigs.cluster("backend", List.of(upstream("127.0.0.1", new FakeUpstream.Echo()).address()))));
        byte[] data = new byte[4 << 20];
        new Random(11).nextBytes(data);
        assertThat(ProxyHarness.exchange(proxyAddress, data)).isEqualTo(data);
        JsonNode r = awaitRecord();
        assertThat(r.get("bytes_received").asLong()).isEqualTo(data.length);
        assertThat(r.get("bytes_sent").asLong()).isEqualTo(data.length);
    }

    @Test
    void anIpv4ClientIsLoggedAsAnIpv4Address() throws Exception {
        FakeUpstream up = upstream("127.0.0.1", new FakeUpstream.Echo());
        InetSocketAddress proxyAddress = start("127.0.0.1", up);
        int clientPort;
        try (Socket s = connect(proxyAddress)) {
            clientPort = s.getLocalPort();
            s.getOutputStream().write("ping".getBytes());
            assertThat(s.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes());
        }
        JsonNode r = awaitRecord();
        assertThat(r.get("downstream").asText()).isEqualTo("127.0.0.1:" + clientPort);
        assertThat(r.get("upstream").asText()).isEqualTo("127.0.0.1:" + up.port());
        assertThat(r.get("upstream_local").asText()).startsWith("127.0.0.1:");
        await().until(() -> proxy().openConnections() == 0);
    }
}
