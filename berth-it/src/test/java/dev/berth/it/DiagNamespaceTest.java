package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.sockdiag.procfs.Counters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code berth diag} against sockets made on purpose inside a network namespace the test creates
 * (the research plan's D2-D10): listeners of every bind class, per-destination exhaustion
 * with a 10-port range while the 11th connect really fails, bind-before-connect, TIME_WAIT counted
 * as {@code ss} counts it, the TIME_WAIT bucket limit, a full accept queue named with its
 * process, CLOSE_WAIT and orphaned FIN_WAIT2, SO_LINGER 0, and a namespace read through a pid
 * from outside. The sockets are made by {@link SocketScript}, a C-like program that can set what the
 * JDK cannot (IPV6_V6ONLY, IP_BIND_ADDRESS_NO_PORT, backlog 0). All traffic stays in the namespace.
 */
@Timeout(120)
class DiagNamespaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NetNamespace ns;
    private SocketScriptProcess script;

    private record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeEach
    void createNamespace() throws Exception {
        ns = NetNamespace.create("berth-diag");
        assumeThat(ns).as("network namespaces (needs root / CAP_SYS_ADMIN; see stderr)").isNotNull();
        ns.ip("link", "set", "lo", "up");
        script = SocketScriptProcess.start(ns);
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (script != null) {
            script.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
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
            throw new AssertionError(command + " did not exit");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    /** {@code berth ARGS} inside the namespace. */
    private Result inside(String... args) throws IOException, InterruptedException {
        return run(ns.exec(BerthProcess.command(args)));
    }

    private static JsonNode listener(JsonNode report, String transport, String address, int port) {
        return StreamSupport.stream(report.get("listeners").spliterator(), false)
                .filter(l -> l.get("transport").asText().equals(transport) && l.get("address").asText().equals(address)
                        && l.get("port").asInt() == port)
                .findFirst().orElseThrow(() -> new AssertionError("no " + transport + " " + address + ":" + port + " in " + report));
    }

    private static List<String> codes(JsonNode report) {
        List<String> codes = new ArrayList<>();
        report.get("findings").forEach(f -> codes.add(f.get("code").asText()));
        return codes;
    }

    private static JsonNode finding(JsonNode report, String code) {
        return StreamSupport.stream(report.get("findings").spliterator(), false)
                .filter(f -> f.get("code").asText().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding " + code + " in " + report.get("findings")));
    }

    private static JsonNode pressure(JsonNode report, int port) {
        return StreamSupport.stream(report.get("pressure").spliterator(), false)
                .filter(p -> p.get("port").asInt() == port).findFirst().orElse(null);
    }

    private void makeListenersOfEveryBindClass() throws Exception {
        ns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        ns.ip("link", "set", "veth0", "up");
        ns.ip("addr", "add", "10.9.8.1/24", "dev", "veth0");
        script.ok("listen mongo tcp4 0.0.0.0 27017");
        script.ok("listen redis tcp6 :: 6379 v6only=0");
        script.ok("listen postgres tcp6 :: 5432 v6only=1");
        script.ok("listen mysql tcp4 127.0.0.1 3306");
        script.ok("listen elastic tcp6 ::1 9200");
        script.ok("listen memcached tcp4 10.9.8.1 11211");
        script.ok("listen memcached-udp udp4 0.0.0.0 11211");
        script.ok("listen web4 tcp4 0.0.0.0 8080");
        script.ok("listen web6 tcp6 :: 8080 v6only=1");
    }

    @Test
    void listenersOfEveryBindClassAreClassifiedWithTheirProcess() throws Exception {
        makeListenersOfEveryBindClass();
        Result r = inside("diag", "listeners", "--json", "--fail-on", "high");
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        JsonNode json = r.json();
        assertThat(json.get("failed").asBoolean()).isTrue();
        assertThat(json.get("listeners")).hasSize(9);
        record Expect(String transport, String address, int port, String bindClass, String severity) {}
        for (Expect e : List.of(
                new Expect("tcp", "0.0.0.0", 27017, "wildcard-ipv4", "high"),
                new Expect("tcp", "::", 6379, "wildcard-dual-stack", "high"),
                new Expect("tcp", "::", 5432, "wildcard-ipv6-only", "high"),
                new Expect("tcp", "127.0.0.1", 3306, "loopback", "info"),
                new Expect("tcp", "::1", 9200, "loopback", "info"),
                new Expect("tcp", "10.9.8.1", 11211, "specific", "medium"),
                new Expect("udp", "0.0.0.0", 11211, "wildcard-ipv4", "high"),
                new Expect("tcp", "0.0.0.0", 8080, "wildcard-ipv4", "info"),
                new Expect("tcp", "::", 8080, "wildcard-ipv6-only", "info"))) {
            JsonNode l = listener(json, e.transport(), e.address(), e.port());
            assertThat(l.get("bind_class").asText()).as(e.toString()).isEqualTo(e.bindClass());
            assertThat(l.get("severity").asText()).as(e.toString()).isEqualTo(e.severity());
            assertThat(l.get("processes").get(0).get("pid").asLong()).as(e.toString()).isEqualTo(script.pid());
            assertThat(l.get("processes").get(0).get("command").asText()).isEqualTo("java");
        }
        assertThat(listener(json, "tcp", "::", 6379).get("v6only").asBoolean()).isFalse();
        assertThat(listener(json, "tcp", "::", 6379).get("exposure").toString()).isEqualTo("[\"ipv4\",\"ipv6\"]");
        assertThat(listener(json, "tcp", "::", 5432).get("v6only").asBoolean()).isTrue();
        assertThat(listener(json, "tcp", "0.0.0.0", 27017).get("backlog").asInt()).isEqualTo(128);
        assertThat(json.get("counts").get("high").asInt()).isEqualTo(4);
        assertThat(json.get("counts").get("medium").asInt()).isEqualTo(1);

        Result medium = inside("diag", "listeners", "--fail-on", "medium");
        assertThat(medium.status()).isEqualTo(1);
        assertThat(medium.out()).contains("MongoDB (27017/tcp) listens on every IPv4 interface (0.0.0.0:27017)");
        assertThat(medium.err()).isEqualTo("berth diag listeners: a listener at medium or above (--fail-on medium)\n");

        JsonNode redisPort = inside("diag", "port", "6379", "--json").json();
        assertThat(redisPort.get("binds").get(0).get("verdict").asText()).as("0.0.0.0 behind a dual-stack listener").isEqualTo("fails");
        JsonNode postgresPort = inside("diag", "port", "5432", "--json").json();
        assertThat(postgresPort.get("binds").get(0).get("verdict").asText()).as("0.0.0.0 beside an IPv6-only one").isEqualTo("ok");
        assertThat(postgresPort.get("binds").get(4).get("address").asText()).isEqualTo("::1");
        assertThat(postgresPort.get("binds").get(4).get("verdict").asText()).isEqualTo("fails");
    }

    @Test
    void aNamespaceIsReadThroughAProcessInIt() throws Exception {
        makeListenersOfEveryBindClass();
        Result r = run(BerthProcess.command("diag", "listeners", "--json", "--pid", Long.toString(script.pid())));
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("pid").asLong()).isEqualTo(script.pid());
        assertThat(json.get("listeners")).as("only the namespace's sockets").hasSize(9);
        JsonNode redis = listener(json, "tcp", "::", 6379);
        assertThat(redis.get("bind_class").asText()).as("IPV6_V6ONLY cannot be asked from outside").isEqualTo("wildcard-ipv6");
        assertThat(redis.get("v6only").isNull()).isTrue();
        assertThat(redis.get("severity").asText()).isEqualTo("high");
        assertThat(redis.get("processes").get(0).get("pid").asLong()).isEqualTo(script.pid());
        assertThat(json.get("notes").get(0).asText()).contains("another network namespace", "nsenter -t " + script.pid());
    }

    @Test
    void exhaustionIsPerDestinationTheEleventhConnectFailsAnotherDestinationStillWorks() throws Exception {
        ns.sysctl("net.ipv4.ip_local_port_range", "50000 50009");
        script.ok("listen a tcp4 127.0.0.1 7001");
        script.ok("listen b tcp4 127.0.0.1 7002");
        String eleventh = script.send("connect c 127.0.0.1 7001 count=11");
        assertThat(eleventh).startsWith("err c EADDRNOTAVAIL at connect done=10");

        JsonNode json = inside("diag", "sockets", "--json").json();
        assertThat(json.get("ephemeral").get("usable").asInt()).isEqualTo(10);
        JsonNode full = pressure(json, 7001);
        assertThat(full.get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(full.get("destination").asText()).isEqualTo("127.0.0.1");
        assertThat(full.get("sockets").asInt()).isEqualTo(10);
        assertThat(full.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(full.get("level").asText()).isEqualTo("critical");
        assertThat(pressure(json, 7002)).as("no port of 127.0.0.1:7002's pool is used: 0%").isNull();
        assertThat(finding(json, "port_pressure").get("message").asText())
                .startsWith("127.0.0.1 -> 127.0.0.1:7001 uses 10 of 10 usable ephemeral ports (100%): 10 ESTABLISHED");
        assertThat(codes(json)).doesNotContain("bind_before_connect");

        // The other destination has its own pool: the same 10 ports serve it.
        assertThat(script.send("connect d 127.0.0.1 7002")).startsWith("ok d ports=500");
    }

    @Test
    void bindBeforeConnectMakesExhaustionGlobal() throws Exception {
        ns.sysctl("net.ipv4.ip_local_port_range", "50000 50009");
        script.ok("listen a tcp4 127.0.0.1 7001");
        script.ok("listen b tcp4 127.0.0.1 7002");
        script.ok("connect e 127.0.0.1 7001 count=5 bind=127.0.0.1");
        script.ok("connect f 127.0.0.1 7002 count=5 bind=127.0.0.1");
        assertThat(script.send("connect g 127.0.0.1 7002 bind=127.0.0.1")).startsWith("err g EADDRINUSE at bind");

        JsonNode json = inside("diag", "sockets", "--json").json();
        JsonNode f = finding(json, "bind_before_connect");
        assertThat(f.get("level").asText()).isEqualTo("critical");
        assertThat(f.get("message").asText()).startsWith("127.0.0.1 holds 10 of 10 usable ephemeral ports (100%) across 2"
                + " destinations");
        assertThat(f.get("advice").asText()).contains("IP_BIND_ADDRESS_NO_PORT");
        assertThat(pressure(json, 7001).get("percent").asDouble()).isEqualTo(50.0);
    }

    @Test
    void withIpBindAddressNoPortPortsAreSharedAndTheFlagClears() throws Exception {
        ns.sysctl("net.ipv4.ip_local_port_range", "50000 50009");
        script.ok("listen a tcp4 127.0.0.1 7001");
        script.ok("listen b tcp4 127.0.0.1 7002");
        script.ok("connect h 127.0.0.1 7001 count=10 bind=127.0.0.1 noport");
        script.ok("connect i 127.0.0.1 7002 count=1 bind=127.0.0.1 noport");

        JsonNode json = inside("diag", "sockets", "--json").json();
        assertThat(codes(json)).doesNotContain("bind_before_connect").contains("port_pressure");
        assertThat(pressure(json, 7001).get("percent").asDouble()).isEqualTo(100.0);
        assertThat(pressure(json, 7002).get("percent").asDouble()).isEqualTo(10.0);
    }

    @Test
    void timeWaitIsCountedAsSsCountsItAndFillsItsDestination() throws Exception {
        ns.sysctl("net.ipv4.ip_local_port_range", "50000 50009");
        ns.sysctl("net.ipv4.tcp_tw_reuse", "0");
        script.ok("listen a tcp4 127.0.0.1 7003");
        script.ok("churn a 127.0.0.1 7003 count=10");
        assertThat(script.send("connect x 127.0.0.1 7003")).startsWith("err x EADDRNOTAVAIL");

        JsonNode json = inside("diag", "sockets", "--json").json();
        long ss = ns.output("ss", "-Htan", "state", "time-wait").lines().filter(l -> !l.isBlank()).count();
        assertThat(json.get("tcp").get("states").get("time_wait").asLong()).isEqualTo(ss).isEqualTo(10);
        assertThat(json.get("time_wait").get("outbound").asInt()).isEqualTo(10);
        assertThat(json.get("time_wait").get("average_remaining_s").asDouble()).isBetween(50.0, 60.0);
        JsonNode p = pressure(json, 7003);
        assertThat(p.get("dominant_state").asText()).isEqualTo("time_wait");
        assertThat(p.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(finding(json, "port_pressure").get("advice").asText()).contains("TIME_WAIT", "tcp_tw_reuse=1");
        assertThat(finding(json, "tw_reuse").get("message").asText()).startsWith("net.ipv4.tcp_tw_reuse = 0 (off)");
        JsonNode tw = StreamSupport.stream(json.get("counters").spliterator(), false)
                .filter(c -> c.get("name").asText().equals("TcpExtTW")).findFirst().orElseThrow();
        assertThat(tw.get("value").asLong()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void timeWaitBucketOverflowIsReported() throws Exception {
        ns.sysctl("net.ipv4.tcp_max_tw_buckets", "3");
        script.ok("listen a tcp4 127.0.0.1 7004");
        script.ok("churn a 127.0.0.1 7004 count=8");

        JsonNode json = inside("diag", "sockets", "--json").json();
        assertThat(json.get("tcp").get("states").get("time_wait").asInt()).isEqualTo(3);
        JsonNode overflow = StreamSupport.stream(json.get("counters").spliterator(), false)
                .filter(c -> c.get("name").asText().equals("TcpExtTCPTimeWaitOverflow")).findFirst().orElseThrow();
        assertThat(overflow.get("value").asLong()).isEqualTo(5);
        assertThat(finding(json, "time_wait_overflow").get("message").asText())
                .startsWith("TcpExtTCPTimeWaitOverflow = 5: TIME_WAIT sockets were not created because"
                        + " net.ipv4.tcp_max_tw_buckets (3) was reached");
    }

    @Test
    void aFullAcceptQueueNamesTheListenerAndItsProcess() throws Exception {
        script.ok("listen slow tcp4 127.0.0.1 7100 backlog=0");
        script.ok("connect c 127.0.0.1 7100 count=4 nonblock");
        Path netstat = Path.of("/proc/" + script.pid() + "/net/netstat");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Counters.parse(Files.readString(netstat), "netstat").value().value("TcpExtListenOverflows") > 0);

        JsonNode json = inside("diag", "sockets", "--json").json();
        JsonNode f = finding(json, "listen_queue_full");
        assertThat(f.get("level").asText()).isEqualTo("critical");
        assertThat(f.get("message").asText()).startsWith("listener 127.0.0.1:7100 (pid " + script.pid()
                + "/java): accept queue full, 1 connection waiting with backlog 0: new SYNs are dropped");
        JsonNode listeners = inside("diag", "listeners", "--json").json();
        JsonNode slow = listener(listeners, "tcp", "127.0.0.1", 7100);
        assertThat(slow.get("queue").asInt()).isEqualTo(1);
        assertThat(slow.get("backlog").asInt()).isZero();
    }

    @Test
    void closeWaitNamesItsProcessAndTheOrphanedFinWait2GoesAfterFinTimeout() throws Exception {
        ns.sysctl("net.ipv4.tcp_fin_timeout", "5");
        script.ok("listen a tcp4 127.0.0.1 7005");
        script.ok("connect c 127.0.0.1 7005");
        script.ok("accept a server");
        script.ok("close c");
        Path tcp = Path.of("/proc/" + script.pid() + "/net/tcp");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(tcp).contains(" 08 "));

        JsonNode json = inside("diag", "sockets", "--json").json();
        assertThat(finding(json, "close_wait").get("message").asText()).startsWith("1 connection in CLOSE_WAIT (1 on"
                + " 127.0.0.1:7005 (pid " + script.pid() + "/java)): the peer closed, this side has not");
        assertThat(finding(json, "orphaned_fin_wait2").get("message").asText())
                .contains("net.ipv4.tcp_fin_timeout (5 s)");
        assertThat(finding(json, "fin_timeout_changed").get("message").asText()).contains("TIME_WAIT still lasts 60 s");
        // The orphan is dropped after tcp_fin_timeout; the CLOSE_WAIT stays until the application closes.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Files.readString(tcp).contains(" 05 "));
        assertThat(Files.readString(tcp)).contains(" 08 ");
    }

    @Test
    void closingWithLingerZeroResetsAndLeavesNoTimeWait() throws Exception {
        script.ok("listen a tcp4 127.0.0.1 7006");
        script.ok("connect c 127.0.0.1 7006");
        script.ok("accept a server");
        script.ok("close c linger0");

        JsonNode json = inside("diag", "sockets", "--json").json();
        assertThat(json.get("tcp").get("states").get("time_wait").asInt()).isZero();
        JsonNode abort = StreamSupport.stream(json.get("counters").spliterator(), false)
                .filter(c -> c.get("name").asText().equals("TcpExtTCPAbortOnData")).findFirst().orElseThrow();
        assertThat(abort.get("value").asLong()).isEqualTo(1);
        assertThat(abort.get("meaning").asText()).contains("SO_LINGER 0", "no TIME_WAIT");
    }
}
