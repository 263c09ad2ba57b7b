package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.dial.DialOptions;
import dev.berth.dial.Family;
import dev.berth.dial.Resolver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code berth dial}: arguments to options, and the timeline and JSON it prints, with an injected resolver. */
@Timeout(30)
class DialCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private DialCommand parse(String... args) {
        CommandLine cmd = BerthMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        CommandLine.ParseResult result = cmd.parseArgs(args);
        return (DialCommand) result.subcommand().commandSpec().userObject();
    }

    private int run(Resolver resolver, String... args) {
        CommandLine cmd = BerthMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        CommandLine dial = cmd.getSubcommands().get("dial");
        ((DialCommand) dial.getCommandSpec().userObject()).resolver = resolver;
        return cmd.execute(args);
    }

    private static Resolver answers(List<String> v6, List<String> v4) {
        return (host, family) -> {
            List<String> ips = family == Family.IPV6 ? v6 : v4;
            if (ips == null) {
                return CompletableFuture.failedFuture(new UnknownHostException(host));
            }
            return CompletableFuture.completedFuture(ips.stream().map(InetAddress::ofLiteral).toList());
        };
    }

    @Test
    void defaultsAreRfc8305s() {
        DialOptions o = parse("dial", "example.com", "443").options();
        assertThat(o.attemptDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.preferred()).isEqualTo(Family.IPV6);
        assertThat(o.families()).containsExactlyInAnyOrder(Family.IPV4, Family.IPV6);
        assertThat(o.firstFamilyCount()).isEqualTo(1);
    }

    @Test
    void optionsMapToDialOptions() {
        DialOptions o = parse("dial", "--attempt-delay", "100ms", "--timeout", "3s", "--prefer", "ipv4", "--family", "ipv6",
                "example.com", "443").options();
        assertThat(o.attemptDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.preferred()).isEqualTo(Family.IPV4);
        assertThat(o.families()).containsExactly(Family.IPV6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "dial example.com 0                        | berth dial: PORT 0: expected 1-65535",
        "dial example.com http                     | berth dial: PORT http: expected 1-65535",
        "dial --attempt-delay 5ms example.com 80   | berth dial: --attempt-delay 5ms: expected 10ms-2s",
        "dial --attempt-delay 3s example.com 80    | berth dial: --attempt-delay 3s: expected 10ms-2s",
        "dial --prefer ipv5 example.com 80         | berth dial: --prefer ipv5: expected ipv6 or ipv4",
        "dial --family both example.com 80         | berth dial: --family both: expected any, ipv4 or ipv6",
        "dial --timeout soon example.com 80        | berth dial: --timeout soon: not a duration",
        "dial example.com                          | berth dial: Missing required parameter: 'PORT'",
    })
    void badUsageExitsTwoWithOneLine(String args, String expected) {
        int status = BerthMain.run(args.split(" "), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith(expected);
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void refusedIpv6ThenConnectedIpv4PrintsATimelineWithTheWinner() throws Exception {
        try (ServerSocket v4 = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            int status = run(answers(List.of("::1"), List.of("127.0.0.1")), "dial", "dual.test", Integer.toString(v4.getLocalPort()));
            assertThat(status).as(err.toString()).isZero();
            String text = out.toString();
            assertThat(text).contains("resolve IPv6: ::1", "resolve IPv4: 127.0.0.1",
                    "[::1]:" + v4.getLocalPort(), "refused after", "127.0.0.1:" + v4.getLocalPort(), "<- winner",
                    "connected to 127.0.0.1:" + v4.getLocalPort() + " (IPv4) in ");
        }
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        try (ServerSocket v4 = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            int status = run(answers(List.of("::1"), List.of("127.0.0.1")), "dial", "--json", "dual.test",
                    Integer.toString(v4.getLocalPort()));
            assertThat(status).isZero();
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.get("connected").asBoolean()).isTrue();
            assertThat(json.get("host").asText()).isEqualTo("dual.test");
            assertThat(json.get("port").asInt()).isEqualTo(v4.getLocalPort());
            assertThat(json.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(json.get("family").asText()).isEqualTo("ipv4");
            assertThat(json.get("elapsed_ms").isIntegralNumber()).isTrue();
            JsonNode attempts = json.get("attempts");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).get("address").asText()).isEqualTo("::1");
            assertThat(attempts.get(0).get("family").asText()).isEqualTo("ipv6");
            assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("refused");
            assertThat(attempts.get(0).get("error").asText()).contains("ECONNREFUSED");
            assertThat(attempts.get(1).get("outcome").asText()).isEqualTo("connected");
            assertThat(attempts.get(1).get("start_ms").asLong()).isLessThanOrEqualTo(attempts.get(1).get("end_ms").asLong());
        }
    }

    @Test
    void anUnknownNameExitsOneSayingNoAddresses() {
        int status = run(answers(null, null), "dial", "--json", "nowhere.test", "80");
        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("\"connected\":false", "\"error\":\"no_addresses\"", "unknown host");
    }

    @Test
    void sendWritesALineAndPrintsTheFirstReplyLine() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
                    s.getOutputStream().write(("you said " + line + "\nmore\n").getBytes());
                } catch (Exception e) {
                    // the assertion below fails
                }
            });
            int status = run(answers(List.of(), List.of("127.0.0.1")), "dial", "--send", "hello", "dual.test",
                    Integer.toString(server.getLocalPort()));
            assertThat(status).isZero();
            assertThat(out.toString()).contains("reply: you said hello").doesNotContain("more");
        }
    }
}
