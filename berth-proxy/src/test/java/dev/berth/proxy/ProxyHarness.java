package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.config.ProxyConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A proxy on loopback for one test: start, its access-log records, its metrics, clients from chosen source addresses. */
final class ProxyHarness implements AutoCloseable {

    final Path accessLog;
    private ProxyServer proxy;

    ProxyHarness(Path dir) {
        this.accessLog = dir.resolve("access.log");
    }

    InetSocketAddress start(ProxyConfig config) throws Exception {
        proxy = ProxyServer.start(config, 1, host -> {
            throw new UnknownHostException(host);
        });
        return proxy.listener("in").boundAddress();
    }

    ProxyServer proxy() {
        return proxy;
    }

    /** A client socket bound to {@code source} (any port) and connected to {@code to}. */
    static Socket connectFrom(String source, InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
        s.connect(to, 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    /** Sends {@code data}, half-closes, and returns everything that comes back until the proxy closes. */
    static byte[] exchange(InetSocketAddress proxyAddress, byte[] data) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(proxyAddress, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    /**
     * Sends {@code data} to a proxy that will refuse to serve it: the client must get nothing
     * back and see the connection end. It ends with a reset when the proxy closes with the
     * client's bytes unread, which tells the client they were not delivered.
     */
    static void refusedService(InetSocketAddress proxyAddress, byte[] data) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(proxyAddress, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(data);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException e) {
            assertThat(e.getMessage()).containsIgnoringCase("reset");
        }
    }

    /** True when the proxy closed the socket on us: end of stream, or a reset if we had written. */
    static boolean closedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    List<JsonNode> records() throws IOException {
        if (!Files.exists(accessLog)) {
            return List.of();
        }
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(accessLog)) {
            out.add(m.readTree(line));
        }
        return out;
    }

    /** Waits until the access log has {@code n} records, then returns them. */
    List<JsonNode> awaitRecords(int n) {
        return await().atMost(Duration.ofSeconds(10)).until(this::records, r -> r.size() >= n);
    }

    /** The value of a counter or gauge with exactly these labels, 0 when absent. */
    double metric(String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + ",}") + " (\\S+)$|^"
                + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(proxy.metrics().scrape());
        if (!m.find()) {
            return 0;
        }
        return Double.parseDouble(m.group(1) != null ? m.group(1) : m.group(2));
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.stopNow();
        }
    }
}
