package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code berth diag} as a real process on this machine: JSON on standard output, exit statuses,
 * and this test's own loopback listener found with this test's pid.
 */
@Timeout(120)
class DiagProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(int status, String out, String err) {}

    private static Result berth(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BerthProcess.command(args)).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("berth " + String.join(" ", args) + " did not exit");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    @Test
    void listenersJsonFindsThisTestsListenerAndFailOnHighMatchesTheCounts() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Result r = berth("diag", "listeners", "--json", "--fail-on", "high");
            JsonNode json = JSON.readTree(r.out());
            assertThat(r.out().lines()).hasSize(1);
            int high = json.get("counts").get("high").asInt();
            assertThat(r.status()).as(r.err()).isEqualTo(high > 0 ? 1 : 0);
            assertThat(json.get("failed").asBoolean()).isEqualTo(high > 0);
            JsonNode mine = StreamSupport.stream(json.get("listeners").spliterator(), false)
                    .filter(l -> l.get("port").asInt() == port && l.get("transport").asText().equals("tcp"))
                    .findFirst().orElseThrow(() -> new AssertionError("listener on " + port + " not found: " + r.out()));
            assertThat(mine.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(mine.get("bind_class").asText()).isEqualTo("loopback");
            // Port 0 took a port of the ephemeral range: a fixed port there would be at risk.
            assertThat(mine.get("in_ephemeral_range").asBoolean()).isTrue();
            assertThat(mine.get("severity").asText()).isEqualTo("low");
            assertThat(mine.get("processes").get(0).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(mine.get("backlog").asInt()).isEqualTo(50);
        }
    }

    @Test
    void portNamesWhoHoldsItAndWhatBindingWouldDo() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Result r = berth("diag", "port", Integer.toString(port), "--json");
            assertThat(r.status()).as(r.err()).isZero();
            JsonNode json = JSON.readTree(r.out());
            assertThat(json.get("port").asInt()).isEqualTo(port);
            assertThat(json.get("listeners")).hasSize(1);
            assertThat(json.get("listeners").get(0).get("processes").get(0).get("pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
            JsonNode loopback = json.get("binds").get(1);
            assertThat(loopback.get("transport").asText()).isEqualTo("tcp");
            assertThat(loopback.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(loopback.get("verdict").asText()).isEqualTo("fails");
            assertThat(loopback.get("error").asText()).isEqualTo("EADDRINUSE");
            assertThat(json.get("in_ephemeral_range").asBoolean()).as("port 0 picks from the ephemeral range").isTrue();

            Result text = berth("diag", "port", Integer.toString(port));
            assertThat(text.status()).isZero();
            assertThat(text.out()).contains("port " + port, "If you bind it", "127.0.0.1:" + port, "loopback",
                    ProcessHandle.current().pid() + "/java");
        }
    }

    @Test
    void socketsJsonIsOneObjectAndWatchIsBounded() throws Exception {
        Result r = berth("diag", "sockets", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("interval_ms").isNull()).isTrue();
        assertThat(json.get("ephemeral").get("usable").asInt()).isPositive();
        assertThat(json.get("tcp").get("states").has("time_wait")).isTrue();
        List<String> settings = StreamSupport.stream(json.get("settings").spliterator(), false)
                .map(s -> s.get("name").asText()).toList();
        assertThat(settings).contains("net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_fin_timeout",
                "net.core.somaxconn");

        Result watch = berth("diag", "sockets", "--json", "--watch", "200ms", "--count", "2");
        assertThat(watch.status()).as(watch.err()).isZero();
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(JSON.readTree(line).get("interval_ms").asLong()).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void badUsageIsOneLineAndExitTwo() throws Exception {
        Result port = berth("diag", "port", "70000");
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("berth diag port: PORT 70000: expected 1-65535\n");
        Result watch = berth("diag", "sockets", "--watch", "5m");
        assertThat(watch.status()).isEqualTo(2);
        assertThat(watch.err()).startsWith("berth diag sockets: --watch 5m: expected 100ms-60s");
    }
}
