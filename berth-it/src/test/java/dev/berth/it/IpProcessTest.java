package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code berth ip} as a real process: output, JSON and exit statuses as scripts see them. */
@Timeout(120)
class IpProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(int status, String out, String err) {}

    private static Result berth(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BerthProcess.command(args)).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
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
    void infoJsonIsOneObjectOnStandardOutput() throws Exception {
        Result r = berth("ip", "info", "--json", "::ffff:10.0.0.1");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines()).hasSize(1);
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("family").asText()).isEqualTo("IPv6");
        assertThat(json.get("canonical").asText()).isEqualTo("::ffff:10.0.0.1");
        assertThat(json.get("expanded").asText()).isEqualTo("0000:0000:0000:0000:0000:ffff:0a00:0001");
        assertThat(json.get("primary_class").asText()).isEqualTo("ipv4-mapped");
        assertThat(json.get("embedded_ipv4").get("address").asText()).isEqualTo("10.0.0.1");
        assertThat(json.get("embedded_ipv4").get("primary_class").asText()).isEqualTo("private");
        assertThat(json.get("global").asBoolean()).isFalse();
    }

    @Test
    void containsExitsZeroWhenInsideOneWhenNotTwoOnBadInput() throws Exception {
        Result inside = berth("ip", "contains", "10.0.0.0/8", "10.1.2.3");
        assertThat(inside.status()).isZero();
        assertThat(inside.out()).isEqualTo("yes: 10.1.2.3 is in 10.0.0.0/8\n");

        Result outside = berth("ip", "contains", "10.0.0.0/8", "192.168.1.1");
        assertThat(outside.status()).isEqualTo(1);
        assertThat(outside.out()).isEqualTo("no: 192.168.1.1 is not in 10.0.0.0/8\n");
        assertThat(outside.err()).isEmpty();

        Result bad = berth("ip", "contains", "10.0.0.1/8", "10.1.2.3");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).isEqualTo(
                "berth ip contains: 10.0.0.1/8: host bits are set (expected: the network address, 10.0.0.0/8)\n");
    }

    @Test
    void aBadAddressExitsTwoWithOneLineAndNoStackTrace() throws Exception {
        Result r = berth("ip", "info", "999.1.1.1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("berth ip info: 999.1.1.1: not an IP address (part 999 is over 255)\n");
    }

    @Test
    void probeAnswersThreeQuestionsAndExitsZero() throws Exception {
        Result r = berth("ip", "probe", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("sockets").get("ok").isBoolean()).isTrue();
        assertThat(json.get("loopback").get("reason").asText()).isNotBlank();
        assertThat(json.get("global").get("reason").asText()).isNotBlank();
    }
}
