package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code berth dial} against a name whose IPv6 address is a silent black hole and whose IPv4
 * address works, inside a network namespace the test creates: Happy Eyeballs connects over
 * IPv4 after about the attempt delay, where trying addresses one after another (the article's
 * way) would first sit out the IPv6 attempt's whole timeout.
 */
@Timeout(120)
class DialNamespaceTest {

    private NetNamespace ns;

    @BeforeEach
    void createNamespace() throws Exception {
        ns = NetNamespace.create("berth-dial");
        assumeThat(ns).as("network namespaces (needs root / CAP_SYS_ADMIN; see stderr)").isNotNull();
        ns.ip("link", "set", "lo", "up");
        ns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        ns.ip("link", "set", "veth0", "up");
        ns.ip("link", "set", "veth1", "up");
        ns.ip("addr", "add", "10.9.9.1/24", "dev", "veth0");
        ns.ip("-6", "addr", "add", "fd00:9::1/64", "dev", "veth0", "nodad");
        // A permanent neighbour entry with a MAC nobody has: SYNs to fd00:9::99 vanish silently.
        ns.ip("-6", "neigh", "add", "fd00:9::99", "lladdr", "02:00:00:00:00:99", "dev", "veth0", "nud", "permanent");
        ns.hosts("fd00:9::99 dual.berth.test\n10.9.9.1 dual.berth.test\n");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    private JsonNode dial(String... args) throws Exception {
        try (BerthProcess dial = BerthProcess.start(new ProcessBuilder(ns.exec(BerthProcess.command(args))))) {
            dial.awaitExit(Duration.ofSeconds(30));
            return new ObjectMapper().readTree(String.join("\n", dial.stdout()));
        }
    }

    @Test
    void aBlackHoledIpv6AddressCostsOneAttemptDelayNotATimeout() throws Exception {
        try (BerthProcess echo = BerthProcess.start(new ProcessBuilder(ns.exec(BerthProcess.command(
                "echo", "--bind", "10.9.9.1", "--port", "7000", "--log-format", "json"))))) {
            echo.awaitListeningPorts(1);

            JsonNode happy = dial("dial", "--json", "--send", "over ipv4", "dual.berth.test", "7000");
            assertThat(happy.get("connected").asBoolean()).as(happy.toString()).isTrue();
            assertThat(happy.get("family").asText()).isEqualTo("ipv4");
            assertThat(happy.get("address").asText()).isEqualTo("10.9.9.1");
            assertThat(happy.get("reply").asText()).isEqualTo("over ipv4");
            JsonNode attempts = happy.get("attempts");
            assertThat(attempts.get(0).get("address").asText()).isEqualTo("fd00:9::99");
            assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("cancelled");
            long v4Start = attempts.get(1).get("start_ms").asLong() - attempts.get(0).get("start_ms").asLong();
            assertThat(v4Start).as("IPv4 attempt starts one attempt delay after IPv6").isBetween(249L, 1000L);

            // The sequential way: the IPv6 attempt alone uses up a 2 s timeout before IPv4 is even tried.
            JsonNode v6only = dial("dial", "--json", "--family", "ipv6", "--timeout", "2s", "dual.berth.test", "7000");
            assertThat(v6only.get("connected").asBoolean()).isFalse();
            assertThat(v6only.get("error").asText()).isEqualTo("deadline_exceeded");
            assertThat(v6only.get("elapsed_ms").asLong()).isGreaterThanOrEqualTo(1999L);
            assertThat(happy.get("elapsed_ms").asLong()).isLessThan(v6only.get("elapsed_ms").asLong() / 2);
        }
    }

    @Test
    void refusedEverywhereExitsOneWithEveryAttemptListed() throws Exception {
        try (BerthProcess dial = BerthProcess.start(new ProcessBuilder(ns.exec(BerthProcess.command(
                "dial", "--json", "10.9.9.1", "7001"))))) {
            assertThat(dial.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            JsonNode json = new ObjectMapper().readTree(String.join("\n", dial.stdout()));
            assertThat(json.get("error").asText()).isEqualTo("all_attempts_failed");
            assertThat(json.get("attempts")).hasSize(1);
            assertThat(json.get("attempts").get(0).get("outcome").asText()).isEqualTo("refused");
            assertThat(List.of(json.get("message").asText())).allMatch(m -> m.contains("10.9.9.1:7001"));
        }
    }
}
