package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code berth diag} as a pure transformation: arguments into options, one-line errors, and
 * reports of a fixture directory laid out like /proc (the hidden {@code --proc-root}).
 */
class DiagCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** berth-sockdiag's fixture of a host with exposed databases; tests run in the module directory. */
    private static final String HOST_A = Path.of("../berth-sockdiag/src/test/resources/dev/berth/sockdiag/host-a")
            .toAbsolutePath().normalize().toString();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BerthMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static <T> T parse(Class<T> type, String... args) {
        CommandLine cmd = BerthMain.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult result = cmd.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }

    @Test
    void optionsParseIntoTheCommand() {
        DiagSocketsCommand sockets = parse(DiagSocketsCommand.class, "diag", "sockets", "--json", "--watch", "2s",
                "--count", "5", "--pid", "42");
        assertThat(sockets.json).isTrue();
        assertThat(sockets.watch).isEqualTo(Duration.ofSeconds(2));
        assertThat(sockets.count).isEqualTo(5);
        assertThat(sockets.target.pid).isEqualTo(42);
        assertThat(parse(DiagSocketsCommand.class, "diag", "sockets", "--watch", "1s").reports()).isEqualTo(3);
        assertThat(parse(DiagSocketsCommand.class, "diag", "sockets").reports()).isEqualTo(1);
        DiagListenersCommand listeners = parse(DiagListenersCommand.class, "diag", "listeners", "--fail-on", "MEDIUM");
        assertThat(listeners.failOn).isEqualTo(dev.berth.sockdiag.Severity.MEDIUM);
        DiagPortCommand port = parse(DiagPortCommand.class, "diag", "port", "27017", "--json");
        assertThat(port.port).isEqualTo(27017);
        assertThat(port.json).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sockets --watch 10ms       | berth diag sockets: --watch 10ms: expected 100ms-60s",
        "sockets --watch 2m         | berth diag sockets: --watch 2m: expected 100ms-60s",
        "sockets --watch soon       | berth diag sockets: --watch soon: not a duration",
        "sockets --watch 1s --count 0 | berth diag sockets: --count 0: expected 1-1000",
        "sockets --count 2          | berth diag sockets: --count needs --watch",
        "sockets --pid abc          | berth diag sockets: --pid abc: expected a process id (a whole number >= 1)",
        "sockets --pid 0            | berth diag sockets: --pid 0: expected a process id (a whole number >= 1)",
        "listeners --fail-on low    | berth diag listeners: --fail-on low: expected high or medium",
        "port 0                     | berth diag port: PORT 0: expected 1-65535",
        "port http                  | berth diag port: PORT http: expected 1-65535",
        "port                       | berth diag port: Missing required parameter: 'PORT'",
    })
    void badUsageExitsTwoWithOneLineNamingTheValue(String args, String expectedStart) {
        String[] argv = ("diag " + args.strip()).split(" +");
        assertThat(run(argv)).isEqualTo(2);
        assertThat(err.toString()).startsWith(expectedStart);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aPidThatDoesNotExistIsNamed() {
        assertThat(run("diag", "listeners", "--proc-root", HOST_A, "--pid", "31337")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("berth diag listeners: --pid 31337: no such process\n");
    }

    @Test
    void listenersOfTheFixtureFailOnHighWithJson() throws Exception {
        assertThat(run("diag", "listeners", "--proc-root", HOST_A, "--json", "--fail-on", "high")).isEqualTo(1);
        assertThat(err.toString()).isEmpty();
        JsonNode json = JSON.readTree(out.toString());
        assertThat(json.get("failed").asBoolean()).isTrue();
        assertThat(json.get("fail_on").asText()).isEqualTo("high");
        assertThat(json.get("counts").toString()).isEqualTo("{\"high\":4,\"medium\":0,\"low\":2,\"info\":5}");
        JsonNode first = json.get("listeners").get(0);
        assertThat(first.get("address").asText()).isEqualTo("::");
        assertThat(first.get("port").asInt()).isEqualTo(5432);
        assertThat(first.get("bind_class").asText()).isEqualTo("wildcard-ipv6");
        assertThat(first.get("v6only").isNull()).isTrue();
        assertThat(first.get("processes").get(0).get("command").asText()).isEqualTo("redis-server");
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("transport", "table", "address", "port", "bind_class", "v6only", "exposure",
                "inode", "uid", "processes", "queue", "backlog", "service", "in_ephemeral_range", "reserved", "severity",
                "message", "advice");
    }

    @Test
    void listenersTextHasATableAndAdviceUnderEachFinding() {
        assertThat(run("diag", "listeners", "--proc-root", HOST_A)).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("berth diag listeners: network namespace net:[4026531840]");
        assertThat(lines).contains(
                "  HIGH     tcp   0.0.0.0:27017                            wildcard-ipv4        4242/mongod",
                "           MongoDB (27017/tcp) listens on every IPv4 interface (0.0.0.0:27017): a database that answers"
                        + " whoever connects unless authorization is enabled");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("           advice: Bind it to 127.0.0.1"));
        assertThat(lines).contains("11 listening sockets: 4 high, 0 medium, 2 low, 5 info");
    }

    @Test
    void socketsOfTheFixtureAsJsonAndText() throws Exception {
        assertThat(run("diag", "sockets", "--proc-root", HOST_A, "--json")).isZero();
        JsonNode json = JSON.readTree(out.toString());
        assertThat(json.get("tcp").get("total").asInt()).isEqualTo(19);
        assertThat(json.get("worst").asText()).isEqualTo("critical");
        assertThat(json.get("findings").get(0).get("code").asText()).isEqualTo("fd_limit");
        assertThat(json.get("pressure").get(0).get("destination").asText()).isEqualTo("10.0.0.5");
        assertThat(json.get("notes").get(0).asText()).startsWith("listen backlogs unknown: reading files under");
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("at", "interval_ms", "pid", "namespace", "tcp", "udp", "ephemeral", "pressure",
                "top_time_wait", "top_established", "time_wait", "churn", "settings", "counters", "fds", "worst", "findings",
                "notes", "problems");

        out.getBuffer().setLength(0);
        assertThat(run("diag", "sockets", "--proc-root", HOST_A)).isZero();
        String text = out.toString();
        assertThat(text).contains("Findings", "  CRITICAL fd_limit: pid 777/java has 10 of 10 file descriptors open",
                "Ephemeral ports", "10.1.2.3 -> 10.0.0.5:5432", "Most TIME_WAIT", "Kernel settings",
                "net.ipv4.tcp_fin_timeout", "does not shorten TIME_WAIT", "Counters (since boot)", "File descriptors");
    }

    @Test
    void watchReportsCountTimesWithRatesAndNeverMore() {
        CommandLine cmd = BerthMain.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        DiagSocketsCommand sockets = (DiagSocketsCommand) cmd.getSubcommands().get("diag").getSubcommands().get("sockets")
                .getCommand();
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        sockets.pause = d -> pauses.incrementAndGet();
        sockets.clock = () -> Instant.parse("2026-01-01T00:00:00Z").plusSeconds(2L * ticks.getAndIncrement());
        assertThat(cmd.execute("diag", "sockets", "--proc-root", HOST_A, "--json", "--watch", "2s", "--count", "3"))
                .as(err.toString()).isZero();
        assertThat(pauses).hasValue(3);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> {
            JsonNode json = JSON.readTree(l);
            assertThat(json.get("interval_ms").asLong()).isEqualTo(2000);
            assertThat(json.get("time_wait").get("created_per_s").asDouble()).isZero();
        });
    }

    @Test
    void portOfTheFixture() throws Exception {
        assertThat(run("diag", "port", "--proc-root", HOST_A, "27017")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("port 27017 (MongoDB)");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  tcp  0.0.0.0          fails     EADDRINUSE  held by"
                + " 0.0.0.0:27017 wildcard-ipv4 (pid 4242/mongod)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  - 27017 is the usual port of MongoDB"));

        out.getBuffer().setLength(0);
        assertThat(run("diag", "port", "--proc-root", HOST_A, "--json", "40000")).isZero();
        JsonNode json = JSON.readTree(out.toString());
        assertThat(json.get("in_ephemeral_range").asBoolean()).isTrue();
        assertThat(json.get("reserved").asBoolean()).isFalse();
        assertThat(json.get("listeners").get(0).get("severity").asText()).isEqualTo("low");
        assertThat(json.get("binds")).hasSize(10);
    }

    @Test
    void helpListsTheDiagCommands() {
        assertThat(run("diag", "--help")).isZero();
        assertThat(out.toString()).contains("sockets", "listeners", "port");
        out.getBuffer().setLength(0);
        assertThat(run("help")).isZero();
        assertThat(out.toString()).contains("diag");
        assertThat(Files.isDirectory(Path.of(HOST_A))).isTrue();
    }
}
