package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.relay.ProxyConnection;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.transport.Transport;
import dev.berth.testing.FakeUpstream;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several event loops: one listening socket each on the same address (SO_REUSEPORT), and nobody
 * else's; on epoll here, on io_uring in {@link ProxyReusePortIoUringTest}.
 */
@Timeout(60)
class ProxyReusePortTest {

    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");

    @TempDir
    Path dir;

    private ProxyServer proxy;
    private FakeUpstream upstream;
    private final List<Socket> clients = new ArrayList<>();

    /** The transport under test. */
    Transport transport() {
        return Transport.EPOLL;
    }

    @BeforeEach
    void nativeTransport() throws IOException {
        assumeTrue(transport().available(), "SO_REUSEPORT sharding needs a native transport: " + transport().unavailabilityReason());
        upstream = new FakeUpstream(V4, new FakeUpstream.Echo());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (proxy != null) {
            proxy.stopNow();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private ProxyServer start(int port, int threads) throws Exception {
        ListenerConfig l = TestConfigs.listener("127.0.0.1", "backend", dir.resolve("access.log"));
        ListenerConfig listener = new ListenerConfig(l.name(), new InetSocketAddress(V4, port), l.cluster(), l.backlog(),
                l.idleTimeout(), l.maxConnectionDuration(), l.bufferBytes(), l.tcpNoDelay(), l.accessLog());
        return ProxyServer.start(TestConfigs.config(listener, TestConfigs.cluster("backend", List.of(upstream.address()))),
                threads, transport(), host -> {
                    throw new UnknownHostException(host);
                });
    }

    @Test
    void eachEventLoopAcceptsOnItsOwnSocketAndAllStopTogether() throws Exception {
        proxy = start(0, 2);
        ProxyListener listener = proxy.listener("in");
        InetSocketAddress address = listener.boundAddress();
        assertThat(address.getPort()).isPositive();
        assertThat(listener.sockets()).isEqualTo(2);

        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            clients.add(s);
            s.connect(address, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(i);
            assertThat(s.getInputStream().read()).isEqualTo(i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.connections().size() == 64);
        Set<EventExecutor> loops = new HashSet<>();
        for (ProxyConnection c : listener.connections()) {
            loops.add(c.downstream().eventLoop());
        }
        // The kernel hashes each 4-tuple to a socket: 64 connections all on one of two would be a 2^-63 chance.
        assertThat(loops).hasSize(2);

        listener.stopAccepting();
        for (int i = 0; i < 16; i++) { // new source ports hash to either socket: every one must be closed
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(address, 5000)).isInstanceOf(ConnectException.class);
            }
        }
        // what was accepted keeps flowing
        Socket first = clients.getFirst();
        first.getOutputStream().write(42);
        assertThat(first.getInputStream().read()).isEqualTo(42);
    }

    @Test
    void anotherSocketWithReusePortOnTheAddressIsStillAddressInUse() throws Exception {
        try (ServerSocketChannel other = ServerSocketChannel.open()) {
            // Shares with anyone of the same user who also sets SO_REUSEPORT: the kernel alone would let Berth in.
            other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            other.bind(new InetSocketAddress(V4, 0));
            int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
            assertThatThrownBy(() -> start(port, 2))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
    }

    @Test
    void oneEventLoopKeepsOneSocket() throws Exception {
        proxy = start(0, 1);
        assertThat(proxy.listener("in").sockets()).isEqualTo(1);
    }
}
