package dev.berth.proxy.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.transport.Transport;
import dev.berth.testing.FakeUpstream;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP and HTTP probes against real loopback servers: what passes, what fails, and in how long. */
@Timeout(30)
class ProbeTest {

    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    // Generous for checks that should pass (a cold JVM loads the HTTP codec on the first one);
    // short where the timeout itself is under test.
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SHORT = Duration.ofMillis(300);

    private final Transport transport = Transport.best();
    private EventLoopGroup group;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void loop() {
        group = transport.newGroup(1, "probe-test");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static HealthCheckConfig tcp(HealthCheckConfig.Payload send, HealthCheckConfig.Payload expect) {
        return tcp(send, expect, TIMEOUT);
    }

    private static HealthCheckConfig tcp(HealthCheckConfig.Payload send, HealthCheckConfig.Payload expect, Duration timeout) {
        return new HealthCheckConfig(HealthCheckConfig.Type.TCP, Duration.ofSeconds(1), timeout, 3, 2, Duration.ZERO, true,
                send, expect, null, List.of());
    }

    private static HealthCheckConfig http(String path, List<HealthCheckConfig.StatusRange> statuses) {
        return new HealthCheckConfig(HealthCheckConfig.Type.HTTP, Duration.ofSeconds(1), TIMEOUT, 3, 2, Duration.ZERO, true,
                null, null, path, statuses);
    }

    private static UpstreamEndpoint ip(InetSocketAddress a) {
        String ip = SocketAddresses.ip(a.getAddress());
        return new UpstreamEndpoint(a, 1, SocketAddresses.format(a), ip);
    }

    private static UpstreamEndpoint named(String host, InetSocketAddress a) {
        return new UpstreamEndpoint(a, 1, host + ":" + a.getPort(), host);
    }

    private ProbeResult check(HealthCheckConfig config, UpstreamEndpoint e) throws Exception {
        return new Probe(config, group.next(), transport.socketChannel()).check(e).get(10, TimeUnit.SECONDS);
    }

    private FakeUpstream upstream(FakeUpstream.Behaviour b) throws IOException {
        FakeUpstream u = new FakeUpstream(V4, b);
        servers.add(u);
        return u;
    }

    private static InetSocketAddress deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, V4)) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    @Test
    void withProxyProtocolTheCheckOpensWithTheLocalHeader() throws Exception {
        for (int version : new int[] {1, 2}) {
            ServerSocket server = new ServerSocket(0, 1, V4);
            servers.add(server);
            AtomicReference<byte[]> seen = new AtomicReference<>();
            byte[] expected = dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder.local(version);
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    byte[] head = s.getInputStream().readNBytes(expected.length);
                    byte[] ping = s.getInputStream().readNBytes(4);
                    seen.set(head);
                    if (java.util.Arrays.equals(head, expected) && new String(ping).equals("ping")) {
                        s.getOutputStream().write("pong".getBytes());
                    }
                } catch (IOException e) {
                    // the probe reports the failure
                }
            });
            HealthCheckConfig config = tcp(HealthCheckConfig.Payload.text("ping"), HealthCheckConfig.Payload.text("pong"));
            var proxyProtocol = version == 1 ? dev.berth.proxy.config.ClusterConfig.ProxyProtocol.V1
                    : dev.berth.proxy.config.ClusterConfig.ProxyProtocol.V2;
            ProbeResult r = new Probe(config, proxyProtocol, group.next(), transport.socketChannel())
                    .check(ip((InetSocketAddress) server.getLocalSocketAddress())).get(10, TimeUnit.SECONDS);
            assertThat(r.passed()).as("v" + version + ": " + r).isTrue();
            assertThat(seen.get()).isEqualTo(expected);
        }
        assertThat(new String(dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder.local(1))).isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder.local(2)).hasSize(16);
    }

    @Test
    void aConnectOnlyCheckPassesWhenSomethingListens() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Echo());
        assertThat(check(tcp(null, null), ip(u.address()))).isEqualTo(new ProbeResult(true, "connected"));
    }

    @Test
    void aRefusedConnectFails() throws Exception {
        assertThat(check(tcp(null, null), ip(deadEndpoint()))).isEqualTo(new ProbeResult(false, "connection refused"));
    }

    @Test
    void sendAndExpectPassWhenTheAnswerHoldsTheBytes() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Echo());
        ProbeResult r = check(tcp(HealthCheckConfig.Payload.text("PING\r\n"), HealthCheckConfig.Payload.text("NG\r")), ip(u.address()));
        assertThat(r).isEqualTo(new ProbeResult(true, "the expected 3 bytes arrived"));
    }

    @Test
    void expectMatchesBytesThatArriveAfterOthers() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Greet("220 ready\r\n".getBytes()));
        ProbeResult r = check(tcp(null, HealthCheckConfig.Payload.hex("7265616479")), ip(u.address())); // "ready"
        assertThat(r.passed()).isTrue();
    }

    @Test
    void sendWithoutExpectPassesOnceWritten() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Sink());
        ProbeResult r = check(tcp(HealthCheckConfig.Payload.text("hello"), null), ip(u.address()));
        assertThat(r).isEqualTo(new ProbeResult(true, "connected, sent 5 bytes"));
    }

    @Test
    void expectFailsWhenTheEndpointClosesWithoutTheBytes() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Source(5, 1));
        ProbeResult r = check(tcp(null, HealthCheckConfig.Payload.text("+OK")), ip(u.address()));
        assertThat(r).isEqualTo(new ProbeResult(false, "closed by the endpoint after 5 bytes, without the expected bytes"));
    }

    @Test
    void aSilentEndpointFailsAtTheTimeout() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Sink());
        long t0 = System.nanoTime();
        ProbeResult r = check(tcp(HealthCheckConfig.Payload.text("PING"), HealthCheckConfig.Payload.text("PONG"), SHORT), ip(u.address()));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r).isEqualTo(new ProbeResult(false, "no answer within 300 ms"));
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBlackHoledEndpointFailsAtTheTimeout() throws Exception {
        // A listener whose accept queue is full drops further SYNs: the connect hangs.
        ServerSocket hole = new ServerSocket();
        hole.bind(new InetSocketAddress(V4, 0), 1);
        List<Socket> fillers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket f = new Socket();
                f.connect(hole.getLocalSocketAddress(), 2000);
                fillers.add(f);
            }
            long t0 = System.nanoTime();
            ProbeResult r = check(tcp(null, null, SHORT), ip((InetSocketAddress) hole.getLocalSocketAddress()));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.passed()).isFalse();
            assertThat(r.detail()).startsWith("connect timed out");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(290)).isLessThan(Duration.ofSeconds(3));
        } finally {
            for (Socket f : fillers) {
                f.close();
            }
            hole.close();
        }
    }

    @Test
    void aNameEndpointIsDialledAtItsOwnAddress() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Echo());
        assertThat(check(tcp(null, null), named("app.test", u.address()))).isEqualTo(new ProbeResult(true, "connected"));
        ProbeResult dead = check(tcp(null, null), named("app.test", deadEndpoint()));
        assertThat(dead.passed()).isFalse();
        assertThat(dead.detail()).startsWith("connection refused");
    }

    /** A JDK HTTP server answering every request with {@code status}, remembering the last path and Host. */
    private final class Http implements AutoCloseable {
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicReference<String> path = new AtomicReference<>();
        final AtomicReference<String> host = new AtomicReference<>();
        final HttpServer server;

        Http() throws IOException {
            server = HttpServer.create(new InetSocketAddress(V4, 0), 16);
            server.createContext("/", exchange -> {
                path.set(exchange.getRequestURI().toString());
                host.set(exchange.getRequestHeaders().getFirst("Host"));
                exchange.sendResponseHeaders(status.get(), -1);
                exchange.close();
            });
            server.start();
            servers.add(this);
        }

        InetSocketAddress address() {
            return server.getAddress();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void anHttpCheckPassesOnAnExpectedStatus() throws Exception {
        Http h = new Http();
        ProbeResult r = check(http("/healthz?full=1", List.of(new HealthCheckConfig.StatusRange(200, 399))), ip(h.address()));
        assertThat(r).isEqualTo(new ProbeResult(true, "HTTP 200"));
        assertThat(h.path.get()).isEqualTo("/healthz?full=1");
        assertThat(h.host.get()).isEqualTo("127.0.0.1:" + h.address().getPort());
    }

    @Test
    void anHttpCheckFailsOnAnyOtherStatus() throws Exception {
        Http h = new Http();
        h.status.set(503);
        ProbeResult r = check(http("/", List.of(new HealthCheckConfig.StatusRange(200, 399))), ip(h.address()));
        assertThat(r).isEqualTo(new ProbeResult(false, "HTTP 503 (expected: 200-399)"));
    }

    @Test
    void expectedStatusesCanListSingleStatusesAndRanges() throws Exception {
        Http h = new Http();
        HealthCheckConfig c = http("/", List.of(new HealthCheckConfig.StatusRange(204, 204), new HealthCheckConfig.StatusRange(300, 301)));
        h.status.set(204);
        assertThat(check(c, ip(h.address()))).isEqualTo(new ProbeResult(true, "HTTP 204"));
        h.status.set(301);
        assertThat(check(c, ip(h.address()))).isEqualTo(new ProbeResult(true, "HTTP 301"));
        h.status.set(200);
        assertThat(check(c, ip(h.address()))).isEqualTo(new ProbeResult(false, "HTTP 200 (expected: 204, 300-301)"));
    }

    @Test
    void anHttpCheckOfANameSendsTheNameAsHost() throws Exception {
        Http h = new Http();
        ProbeResult r = check(http("/", List.of(new HealthCheckConfig.StatusRange(200, 399))), named("app.test", h.address()));
        assertThat(r.passed()).isTrue();
        assertThat(h.host.get()).isEqualTo("app.test:" + h.address().getPort());
    }

    @Test
    void anHttpCheckFailsOnSomethingThatIsNotHttp() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.Greet("SSH-2.0-OpenSSH_9.6\r\n".getBytes()));
        ProbeResult r = check(http("/", List.of(new HealthCheckConfig.StatusRange(200, 399))), ip(u.address()));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).startsWith("not an HTTP response");
    }

    @Test
    void anHttpCheckFailsWhenTheEndpointClosesFirst() throws Exception {
        FakeUpstream u = upstream(new FakeUpstream.ResetAfter(1));
        ProbeResult r = check(http("/", List.of(new HealthCheckConfig.StatusRange(200, 399))), ip(u.address()));
        assertThat(r.passed()).isFalse();
        assertThat(r.detail()).isIn("closed by the endpoint before an HTTP response", "connection reset by the endpoint");
    }
}
