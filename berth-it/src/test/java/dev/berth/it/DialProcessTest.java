package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code berth dial} as a real process against {@code berth echo} on loopback. */
@Timeout(60)
class DialProcessTest {

    @Test
    void dialsAnEchoServerSendsALineAndPrintsTheReply() throws Exception {
        try (BerthProcess echo = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0")) {
            int port = echo.awaitListeningPorts(1).getFirst();
            try (BerthProcess dial = BerthProcess.start(new ProcessBuilder(BerthProcess.command(
                    "dial", "--send", "ping", "127.0.0.1", Integer.toString(port))))) {
                assertThat(dial.awaitExit(Duration.ofSeconds(30))).isZero();
                assertThat(dial.stdout()).anyMatch(l -> l.contains("127.0.0.1:" + port) && l.contains("<- winner"));
                assertThat(dial.stdout()).contains("reply: ping");
            }
            try (BerthProcess dial = BerthProcess.start(new ProcessBuilder(BerthProcess.command(
                    "dial", "--json", "--family", "ipv6", "127.0.0.1", Integer.toString(port))))) {
                assertThat(dial.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
                JsonNode json = new ObjectMapper().readTree(String.join("", dial.stdout()));
                assertThat(json.get("connected").asBoolean()).isFalse();
                assertThat(json.get("error").asText()).isEqualTo("no_addresses");
            }
        }
    }
}
