package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.echo.EchoOptions;
import dev.berth.server.listen.Listeners;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line as a pure transformation: arguments in, options or one-line errors out. */
class BerthMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BerthMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static EchoOptions echoOptions(String... args) {
        CommandLine cmd = BerthMain.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult result = cmd.parseArgs(args);
        EchoCommand echo = (EchoCommand) result.subcommand().commandSpec().userObject();
        return echo.options();
    }

    @Test
    void echoDefaultsMatchTheDocumentation() {
        EchoOptions o = echoOptions("echo");
        assertThat(o.bind()).containsExactly(new InetSocketAddress(Listeners.allInterfaces(), 8888));
        assertThat(o.maxConnections()).isEqualTo(10_000);
        assertThat(o.idleTimeout()).isZero();
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.threads()).isZero();
    }

    @Test
    void bindRepeatsAndEveryAddressGetsThePort() {
        EchoOptions o = echoOptions("echo", "--bind", "127.0.0.1", "--bind", "::1", "--port", "0",
                "--max-connections", "5", "--idle-timeout", "250ms", "--drain-timeout", "1m");
        assertThat(o.bind()).containsExactly(
                new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0),
                new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
        assertThat(o.maxConnections()).isEqualTo(5);
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--port 99999          | berth echo: --port 99999: expected 0-65535",
        "--port http           | berth echo: --port http: expected 0-65535",
        "--bind example.com    | berth echo: --bind example.com: not an IP address",
        "--bind 10.1           | berth echo: --bind 10.1: not an IP address",
        "--idle-timeout 5x     | berth echo: --idle-timeout 5x: not a duration",
        "--drain-timeout -1s   | berth echo: --drain-timeout -1s: not a duration",
        "--max-connections 0   | berth echo: --max-connections 0: expected a whole number >= 1",
        "--log-level loud      | berth echo: --log-level loud: expected one of trace, debug, info, warn, error",
        "--log-format xml      | berth echo: --log-format xml: expected one of auto, json, text",
        "--transport uring     | berth echo: --transport uring: expected one of auto, epoll, io_uring, nio",
        "--frobnicate          | berth echo: Unknown option: '--frobnicate'",
    })
    void badUsageExitsTwoWithOneLineNamingTheValue(String args, String expectedStart) {
        String[] argv = ("echo " + args).split(" ");
        assertThat(run(argv)).isEqualTo(2);
        assertThat(err.toString()).startsWith(expectedStart);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void versionNamesTheBuildJavaAndTransport() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("berth " + VersionProvider.version()).contains("java 25", "transport");
        assertThat(VersionProvider.version()).doesNotContain("${");
    }

    @Test
    void helpForACommandListsItsOptions() {
        assertThat(run("help", "echo")).isZero();
        assertThat(out.toString()).contains("--bind", "--port", "--max-connections", "--idle-timeout",
                "--drain-timeout", "--log-level", "--log-format");
        out.getBuffer().setLength(0);
        assertThat(run("echo", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: berth echo");
    }

    @Test
    void noCommandPrintsUsage() {
        assertThat(run()).isZero();
        assertThat(out.toString()).contains("Usage: berth", "echo", "demo");
    }

    @Test
    void unknownCommandIsBadUsage() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).startsWith("berth: Unmatched argument at index 0: 'frobnicate'");
    }
}
