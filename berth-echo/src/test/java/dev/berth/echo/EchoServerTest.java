package dev.berth.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import dev.berth.server.transport.Transport;
import dev.berth.testing.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The echo server in this JVM over real loopback sockets, on both transports and both families. */
@Timeout(60)
class EchoServerTest {

    private final ConcurrentLinkedQueue<ConnectionRecord> closed = new ConcurrentLinkedQueue<>();
    private final ConnectionObserver recorder = new ConnectionObserver() {
        @Override
        public void closed(ConnectionRecord record) {
            closed.add(record);
        }
    };
    private EchoServer server;

    @AfterEach
    void stop() {
        System.clearProperty("berth.transport");
        if (server != null) {
            server.close();
        }
    }

    private EchoServer start(InetAddress ip, int maxConnections, Duration drainTimeout) throws Exception {
        server = EchoServer.start(new EchoOptions(List.of(new InetSocketAddress(ip, 0)), maxConnections,
                Duration.ZERO, drainTimeout, 1), recorder);
        return server;
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"epoll, 127.0.0.1", "epoll, ::1", "io_uring, 127.0.0.1", "io_uring, ::1", "nio, 127.0.0.1", "nio, ::1"})
    void echoesFourMebibytesExactly(String transport, String ip) throws Exception {
        InetAddress address = InetAddress.ofLiteral(ip);
        assumeThat(address.getAddress().length == 4 || Loopback.ipv6Available()).as("IPv6 loopback").isTrue();
        System.setProperty("berth.transport", transport);
        start(address, 10, Duration.ofSeconds(1));
        assertThat(server.transport().label()).isEqualTo(transport.equals("epoll") ? Transport.choose("auto").label() : transport);

        byte[] data = new byte[4 << 20];
        new Random(1).nextBytes(data);
        try (Socket s = connect(server.boundAddresses().getFirst())) {
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(s));
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(echoed.get()).isEqualTo(data);
        }
        await().until(() -> closed.size() == 1);
        assertThat(closed.peek().bytesIn()).isEqualTo(data.length);
        assertThat(closed.peek().bytesOut()).isEqualTo(data.length);
        assertThat(closed.peek().reason()).isEqualTo(CloseReason.CLIENT);
    }

    @Test
    void overTheLimitIsAcceptedAndClosedAtOnceThenServedAgainWhenASlotFrees() throws Exception {
        start(Loopback.V4, 1, Duration.ofSeconds(1));
        InetSocketAddress address = server.boundAddresses().getFirst();
        try (Socket first = connect(address)) {
            first.getOutputStream().write(1);
            assertThat(first.getInputStream().read()).isEqualTo(1);
            try (Socket second = connect(address)) {
                assertThat(readAll(second)).as("closed without a byte").isEmpty();
            }
            await().until(() -> server.stats().rejected(CloseReason.LIMIT) == 1);
        }
        await().until(() -> server.stats().active() == 0);
        try (Socket third = connect(address)) {
            third.getOutputStream().write(3);
            assertThat(third.getInputStream().read()).isEqualTo(3);
        }
    }

    @Test
    void drainRefusesNewConnectionsKeepsOpenOnesEchoingThenClosesThemAtTheTimeout() throws Exception {
        start(Loopback.V4, 10, Duration.ofSeconds(2));
        InetSocketAddress address = server.boundAddresses().getFirst();
        try (Socket open = connect(address)) {
            open.getOutputStream().write('a');
            assertThat(open.getInputStream().read()).isEqualTo('a');
            await().until(() -> server.stats().active() == 1);

            CompletableFuture<Void> drained = CompletableFuture.runAsync(server::drain);
            await().atMost(Duration.ofSeconds(1)).until(() -> refuses(address));

            open.getOutputStream().write('b');
            assertThat(open.getInputStream().read()).as("still echoing while draining").isEqualTo('b');

            drained.get();
            assertThat(open.getInputStream().read()).as("closed at the drain timeout").isEqualTo(-1);
        }
        assertThat(closed).singleElement().extracting(ConnectionRecord::reason).isEqualTo(CloseReason.DRAIN);
        server = null;
    }

    private static boolean refuses(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] readAll(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
