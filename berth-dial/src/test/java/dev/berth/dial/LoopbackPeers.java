package dev.berth.dial;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peers on loopback that behave the ways a dialer must handle: listening, refusing (nothing
 * bound), and black-holed (a listener whose accept queue is full, so further SYNs are dropped
 * and the connect stays in SYN-SENT). One port is shared by the IPv4 and IPv6 peers, as a
 * dual-stack name would have it.
 */
final class LoopbackPeers implements AutoCloseable {

    static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    static final InetAddress V6 = InetAddress.ofLiteral("::1");

    final int port;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();

    private LoopbackPeers(int port) {
        this.port = port;
    }

    /** Finds a port free on both 127.0.0.1 and ::1. */
    static LoopbackPeers onFreePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int candidate;
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.bind(new InetSocketAddress(V4, 0));
                candidate = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            try (ServerSocketChannel v4 = ServerSocketChannel.open(); ServerSocketChannel v6 = ServerSocketChannel.open()) {
                v4.bind(new InetSocketAddress(V4, candidate));
                v6.bind(new InetSocketAddress(V6, candidate));
                return new LoopbackPeers(candidate);
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no port free on both loopback families");
    }

    /** A normal listener; connections complete and wait in its accept queue. */
    ServerSocketChannel listen(InetAddress ip) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(ip, port), 64);
        s.configureBlocking(false);
        open.add(s);
        listeners.add(s);
        return s;
    }

    /** A listener with a full accept queue: new SYNs to it are dropped. */
    void blackHole(InetAddress ip) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(ip, port), 1);
        open.add(s);
        // backlog 1 queues two completed connections; fill both and never accept.
        for (int i = 0; i < 2; i++) {
            Socket filler = new Socket();
            filler.connect(new InetSocketAddress(ip, port), 2000);
            open.add(filler);
        }
    }

    /** Connections the listener has accepted so far (drains its queue). */
    static int accepted(ServerSocketChannel listener) throws IOException {
        int n = 0;
        SocketChannel c;
        while ((c = listener.accept()) != null) {
            c.close();
            n++;
        }
        return n;
    }

    /** Sockets of this process in SYN-SENT towards {@code port} (from /proc/net/tcp and tcp6). */
    static long synSentTo(int port) throws IOException {
        long n = 0;
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("02")) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Open file descriptors of this JVM. */
    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }
}
