package dev.berth.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted backend on loopback whose behaviour is data (MockWebServer's {@code SocketPolicy}
 * idea): echo, speak first, send a fixed amount then FIN, swallow, reset after N bytes. One
 * virtual thread per connection; what each connection saw is recorded for assertions.
 */
public final class FakeUpstream implements AutoCloseable {

    /** What the upstream does with each connection. */
    public sealed interface Behaviour permits Echo, Greet, Source, Reply, Sink, ResetAfter {}

    /** Echo everything; on the client's FIN, finish echoing and send FIN. */
    public record Echo() implements Behaviour {}

    /** Send {@code greeting} on accept, then echo. */
    public record Greet(byte[] greeting) implements Behaviour {}

    /** Send {@code bytes} seeded-random bytes, then FIN; keep reading (counting) until the client's FIN. */
    public record Source(long bytes, long seed) implements Behaviour {}

    /** Reads until the peer's FIN, then writes {@code bytes} seeded random bytes and a FIN: a reply that can only start after a half-close. */
    public record Reply(long bytes, long seed) implements Behaviour {}

    /** Read and count everything, send nothing; FIN after the client's FIN. */
    public record Sink() implements Behaviour {}

    /** Read {@code bytes}, then reset the connection (SO_LINGER 0). */
    public record ResetAfter(long bytes) implements Behaviour {}

    /** What one connection saw. */
    public static final class Conn {
        public final AtomicLong bytesRead = new AtomicLong();
        public final AtomicLong bytesWritten = new AtomicLong();
        public volatile boolean sawFin;
        public volatile boolean sawReset;
        public volatile boolean done;
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public FakeUpstream(InetAddress ip, Behaviour behaviour) throws IOException {
        this(new InetSocketAddress(ip, 0), behaviour);
    }

    /** Listens on {@code address} exactly (port 0 picks one). */
    public FakeUpstream(InetSocketAddress address, Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket();
        server.bind(address, 1024);
        Thread.ofVirtual().name("fake-upstream-accept").start(this::acceptLoop);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    public List<Conn> connections() {
        return conns;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                sockets.add(s);
                Conn c = new Conn();
                conns.add(c);
                Thread.ofVirtual().start(() -> serve(s, c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, Conn c) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            switch (behaviour) {
                case Echo e -> echo(s, in, out, buf, c);
                case Greet g -> {
                    out.write(g.greeting());
                    c.bytesWritten.addAndGet(g.greeting().length);
                    echo(s, in, out, buf, c);
                }
                case Source src -> {
                    Thread reader = Thread.ofVirtual().start(() -> drain(in, buf.clone(), c));
                    writeRandom(out, src.bytes(), src.seed(), c);
                    s.shutdownOutput();
                    reader.join();
                }
                case Reply r -> {
                    drain(in, buf, c);
                    writeRandom(out, r.bytes(), r.seed(), c);
                    s.shutdownOutput();
                }
                case Sink k -> {
                    drain(in, buf, c);
                    s.shutdownOutput();
                }
                case ResetAfter r -> {
                    int n;
                    while (c.bytesRead.get() < r.bytes() && (n = in.read(buf)) != -1) {
                        c.bytesRead.addAndGet(n);
                    }
                    s.setSoLinger(true, 0);
                }
            }
        } catch (SocketException e) {
            c.sawReset = c.sawReset || String.valueOf(e.getMessage()).toLowerCase().contains("reset");
        } catch (IOException e) {
            // the connection ended abnormally; recorded by what was counted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.done = true;
        }
    }

    private static void echo(Socket s, InputStream in, OutputStream out, byte[] buf, Conn c) throws IOException {
        int n;
        while ((n = in.read(buf)) != -1) {
            c.bytesRead.addAndGet(n);
            out.write(buf, 0, n);
            c.bytesWritten.addAndGet(n);
        }
        c.sawFin = true;
        s.shutdownOutput();
    }

    private static void writeRandom(OutputStream out, long bytes, long seed, Conn c) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long left = bytes; left > 0; ) {
            random.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            c.bytesWritten.addAndGet(n);
            left -= n;
        }
    }

    private static void drain(InputStream in, byte[] buf, Conn c) {
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                c.bytesRead.addAndGet(n);
            }
            c.sawFin = true;
        } catch (IOException e) {
            c.sawReset = String.valueOf(e.getMessage()).toLowerCase().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
