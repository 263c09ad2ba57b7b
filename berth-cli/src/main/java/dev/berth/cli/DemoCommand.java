package dev.berth.cli;

import dev.berth.echo.EchoOptions;
import dev.berth.echo.EchoServer;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.SocketAddresses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.ProxyServer;
import dev.berth.proxy.config.AccessLogConfig;
import dev.berth.proxy.config.AdminConfig;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.ConfigDump;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.config.ShutdownConfig;
import dev.berth.proxy.listener.ProxyListener;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            "Starts an echo server and the berth proxy in front of it on free loopback ports, connects",
            "clients to the proxy over IPv4 and IPv6, sends messages and a 1 MiB payload, half-closes,",
            "drains both and prints what happened, with the proxy's access log. Server logs go to",
            "standard error (default level: warn)."
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
        // The proxy in front: one listener per loopback family, the echo server's addresses as
        // the cluster's endpoints (round robin, so families cross), access log to a file we print.
        Path accessLog = Files.createTempFile("berth-demo-access", ".log");
        List<ListenerConfig> listeners = new ArrayList<>();
        for (InetSocketAddress b : binds) {
            String name = b.getAddress() instanceof java.net.Inet6Address ? "demo-v6" : "demo-v4";
            listeners.add(new ListenerConfig(name, new InetSocketAddress(b.getAddress(), 0), "echo", 128, Duration.ofMinutes(1),
                    Duration.ZERO, 65536, true, new AccessLogConfig(AccessLogConfig.Target.FILE, accessLog)));
        }
        ClusterConfig cluster = new ClusterConfig("echo", ClusterConfig.Discovery.STATIC,
                server.boundAddresses().stream().map(a -> new EndpointConfig(SocketAddresses.ip(a.getAddress()), a.getPort(), 1)).toList(),
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(2), 100, 2, Duration.ofSeconds(5));
        ProxyConfig proxyConfig = new ProxyConfig(new AdminConfig(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)),
                listeners, List.of(cluster), new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(2)));
        ProxyServer proxy;
        try {
            proxy = ProxyServer.start(proxyConfig, 1, InetAddress::getAllByName, () -> ConfigDump.toJson(proxyConfig));
        } catch (BindFailedException e) {
            server.close();
            throw new CommandFailedException(e.getMessage(), 1);
        }
        List<ClientRun> runs = new ArrayList<>();
        try {
            for (ProxyListener l : proxy.listeners()) {
                InetSocketAddress address = l.boundAddress();
                String family = address.getAddress() instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
                runs.add(messages(family, address));
                runs.add(payload(family, address));
            }
            allClosed.await(5, TimeUnit.SECONDS);
        } finally {
            proxy.drain();
            server.drain();
        }
        List<String> accessLines = Files.readAllLines(accessLog);
        Files.deleteIfExists(accessLog);

        out.println("berth demo: an echo server behind the berth proxy, exercised over IPv4"
                + (v6 ? " and IPv6" : " (IPv6 loopback unavailable here)"));
        out.println();
        out.println("  proxy listening on " + String.join(" and ",
                proxy.listeners().stream().map(l -> SocketAddresses.format(l.boundAddress())).toList())
                + "  ->  cluster 'echo': " + String.join(", ",
                server.boundAddresses().stream().map(SocketAddresses::format).toList())
                + " (transport " + server.transport().label() + ")");
        out.println();
        out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", "family", "client", "proxy", "sent", "echoed", "result");
        boolean allExact = true;
        for (ClientRun r : runs) {
            allExact &= r.exact();
            out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", r.label(), SocketAddresses.format(r.client()),
                    SocketAddresses.format(r.server()), bytes(r.sent()), bytes(r.received()),
                    (r.exact() ? "exact; " : "MISMATCH; ") + r.what());
        }
        out.println();
        out.println("  the proxy's access log (one JSON record per connection, written at close):");
        ObjectMapper json = new ObjectMapper();
        for (String line : accessLines) {
            JsonNode r = json.readTree(line);
            out.printf("    %-8s %-26s -> %-22s in %9s  out %9s  %5d ms  first FIN: %-10s reason %s%n",
                    r.get("listener").asText(), r.get("downstream").asText(), r.get("upstream").asText(),
                    bytes(r.get("bytes_received").asLong()), bytes(r.get("bytes_sent").asLong()),
                    r.get("duration_ms").asLong(), r.get("first_fin").asText(), r.get("reason").asText());
        }
        if (!accessLines.isEmpty()) {
            out.println("    e.g. " + accessLines.getFirst());
        }
        out.println();
        out.println("  what the echo server recorded (its peers are the proxy's upstream connections):");
        for (ConnectionRecord r : records.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList()) {
            out.printf("    conn %-3d peer %-26s in %9s  out %9s  %5d ms  closed by %s%n", r.id(),
                    SocketAddresses.format(r.peer()), bytes(r.bytesIn()), bytes(r.bytesOut()),
                    r.duration().toMillis(), r.reason().label());
        }
        out.println();
        out.printf("  totals: %d connections through the proxy, %s in, %s out at the echo server; both drained gracefully%n",
                accessLines.size(), bytes(server.stats().bytesIn()), bytes(server.stats().bytesOut()));
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
