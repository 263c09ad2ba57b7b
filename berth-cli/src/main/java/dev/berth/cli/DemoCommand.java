package dev.berth.cli;

import dev.berth.echo.EchoOptions;
import dev.berth.echo.EchoServer;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.SocketAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code berth demo}: starts an echo server on loopback, talks to it over IPv4 and (where
 * available) IPv6, and prints what happened. The README's first command.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Starts an echo server on a free loopback port, connects clients over IPv4 and IPv6",
            "loopback, sends messages and a 1 MiB payload, half-closes, drains the server and",
            "prints a summary. Server logs go to standard error (default level: warn)."
        })
final class DemoCommand implements Callable<Integer> {

    private static final int PAYLOAD_BYTES = 1 << 20;
    private static final int SOCKET_TIMEOUT_MS = 5000;

    @Spec
    CommandSpec spec;

    @Mixin
    LoggingOptions logging;

    /** One client's conversation and whether every byte came back. */
    private record ClientRun(String label, InetSocketAddress client, InetSocketAddress server,
                             long sent, long received, boolean exact, String what) {}

    @Override
    public Integer call() throws Exception {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--log-level")) {
            logging.level = ch.qos.logback.classic.Level.WARN;
        }
        logging.apply();
        PrintWriter out = spec.commandLine().getOut();

        List<InetSocketAddress> binds = new ArrayList<>();
        binds.add(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
        boolean v6 = canBindIpv6Loopback();
        if (v6) {
            binds.add(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
        }
        int clientsPerAddress = 2;
        CountDownLatch allClosed = new CountDownLatch(binds.size() * clientsPerAddress);
        ConcurrentLinkedQueue<ConnectionRecord> records = new ConcurrentLinkedQueue<>();
        ConnectionObserver recorder = new ConnectionObserver() {
            @Override
            public void closed(ConnectionRecord record) {
                records.add(record);
                allClosed.countDown();
            }
        };

        EchoServer server;
        try {
            server = EchoServer.start(new EchoOptions(binds, 100, Duration.ZERO, Duration.ofSeconds(2), 1), recorder);
        } catch (BindFailedException e) {
            throw new CommandFailedException(e.getMessage(), 1);
        }
        List<ClientRun> runs = new ArrayList<>();
        try {
            for (InetSocketAddress address : server.boundAddresses()) {
                String family = address.getAddress() instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
                runs.add(messages(family, address));
                runs.add(payload(family, address));
            }
            allClosed.await(5, TimeUnit.SECONDS);
        } finally {
            server.drain();
        }

        out.println("berth demo: an echo server on loopback, exercised over IPv4"
                + (v6 ? " and IPv6" : " (IPv6 loopback unavailable here)"));
        out.println();
        out.println("  server listening on " + String.join(" and ",
                server.boundAddresses().stream().map(SocketAddresses::format).toList())
                + " (transport " + server.transport().label() + ")");
        out.println();
        out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", "family", "client", "server", "sent", "echoed", "result");
        boolean allExact = true;
        for (ClientRun r : runs) {
            allExact &= r.exact();
            out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", r.label(), SocketAddresses.format(r.client()),
                    SocketAddresses.format(r.server()), bytes(r.sent()), bytes(r.received()),
                    (r.exact() ? "exact; " : "MISMATCH; ") + r.what());
        }
        out.println();
        out.println("  what the server recorded (one record per connection, as in its access log):");
        for (ConnectionRecord r : records.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList()) {
            out.printf("    conn %-3d peer %-26s in %9s  out %9s  %5d ms  closed by %s%n", r.id(),
                    SocketAddresses.format(r.peer()), bytes(r.bytesIn()), bytes(r.bytesOut()),
                    r.duration().toMillis(), r.reason().label());
        }
        out.println();
        out.printf("  totals: %d connections, %s in, %s out, %d refused; drained gracefully%n",
                server.stats().accepted(), bytes(server.stats().bytesIn()), bytes(server.stats().bytesOut()),
                server.stats().rejected(dev.berth.server.conn.CloseReason.LIMIT));
        out.println(allExact ? "  every byte came back, in order." : "  SOME BYTES DID NOT COME BACK.");
        out.flush();
        return allExact ? 0 : 1;
    }

    /** Three short messages, one at a time, each read back before the next. */
    private static ClientRun messages(String family, InetSocketAddress server) throws IOException {
        try (Socket s = connect(server)) {
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            long sent = 0;
            long received = 0;
            boolean exact = true;
            for (String text : List.of("hello over " + family, "ports are plumbing", "bye")) {
                byte[] msg = (text + "\n").getBytes(StandardCharsets.UTF_8);
                o.write(msg);
                o.flush();
                sent += msg.length;
                byte[] back = in.readNBytes(msg.length);
                received += back.length;
                exact &= Arrays.equals(msg, back);
            }
            s.shutdownOutput();
            exact &= in.read() == -1;
            return new ClientRun(family, (InetSocketAddress) s.getLocalSocketAddress(), server, sent, received, exact,
                    "3 messages, then FIN; server closed after echoing");
        }
    }

    /** 1 MiB of random bytes written, then FIN; everything read back and compared by SHA-256. */
    private static ClientRun payload(String family, InetSocketAddress server) throws Exception {
        byte[] data = new byte[PAYLOAD_BYTES];
        new Random(8888).nextBytes(data);
        try (Socket s = connect(server)) {
            ByteArrayOutputStream back = new ByteArrayOutputStream(PAYLOAD_BYTES);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    s.getInputStream().transferTo(back);
                } catch (IOException e) {
                    // compared below
                }
            });
            s.getOutputStream().write(data);
            s.shutdownOutput();
            reader.join(SOCKET_TIMEOUT_MS);
            boolean exact = Arrays.equals(sha256(data), sha256(back.toByteArray()));
            return new ClientRun(family, (InetSocketAddress) s.getLocalSocketAddress(), server, data.length, back.size(),
                    exact, "1 MiB random, SHA-256 " + HexFormat.of().formatHex(sha256(data)).substring(0, 12) + (exact ? "… matched" : "… differs"));
        }
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, SOCKET_TIMEOUT_MS);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static boolean canBindIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
