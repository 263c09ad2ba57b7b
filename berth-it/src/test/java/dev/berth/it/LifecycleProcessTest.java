package dev.berth.it;

import static dev.berth.it.Clients.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start-up failures, graceful drain on SIGTERM/SIGINT, and accept under fd exhaustion, through the real program. */
@Timeout(120)
class LifecycleProcessTest {

    @Test
    void sigtermRefusesNewConnectionsAtOnceKeepsOpenOnesEchoingAndExitsZeroAfterTheDrainTimeout() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--drain-timeout", "3s")) {
            int port = berth.awaitListeningPorts(1).getFirst();
            try (Socket open = connect("127.0.0.1", port)) {
                open.getOutputStream().write('x');
                assertThat(open.getInputStream().read()).isEqualTo('x');
                berth.awaitRecord("connection opened");

                long signalled = System.nanoTime();
                berth.signal("TERM");
                await().atMost(Duration.ofSeconds(1)).until(() -> Clients.refused("127.0.0.1", port));
                JsonNode draining = berth.awaitRecord("draining");
                assertThat(draining.get("open_connections").asInt()).isEqualTo(1);

                open.getOutputStream().write('y');
                assertThat(open.getInputStream().read()).as("open connection still echoes while draining").isEqualTo('y');

                assertThat(berth.awaitExit(Duration.ofSeconds(3 + 2))).isZero();
                assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(3 + 2));
                assertThat(open.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(berth.records("connection closed")).singleElement()
                    .satisfies(r -> assertThat(r.get("reason").asText()).isEqualTo("drain"));
            assertThat(berth.records("stopped")).hasSize(1);
        }
    }

    @Test
    void sigtermExitsAsSoonAsTheLastConnectionCloses() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--drain-timeout", "60s")) {
            int port = berth.awaitListeningPorts(1).getFirst();
            Socket open = connect("127.0.0.1", port);
            open.getOutputStream().write('x');
            assertThat(open.getInputStream().read()).isEqualTo('x');
            berth.signal("TERM");
            berth.awaitRecord("draining");
            open.close();
            assertThat(berth.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(berth.records("connection closed").getFirst().get("reason").asText()).isEqualTo("client");
        }
    }

    @Test
    void aSecondSigintExitsAtOnce() throws Exception {
        try (BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port", "0", "--drain-timeout", "60s");
             Socket open = connect("127.0.0.1", berth.awaitListeningPorts(1).getFirst())) {
            open.getOutputStream().write('x');
            assertThat(open.getInputStream().read()).isEqualTo('x');
            berth.signal("INT");
            berth.awaitRecord("draining");
            berth.signal("INT");
            assertThat(berth.awaitExit(Duration.ofSeconds(10))).isEqualTo(130);
        }
    }

    @Test
    void aPortInUseExitsOneNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"));
             BerthProcess berth = BerthProcess.start("echo", "--bind", "127.0.0.1", "--port",
                     Integer.toString(taken.getLocalPort()))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(berth.stderr()).contains(
                    "berth echo: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
            assertThat(String.join("\n", berth.stderr())).doesNotContain("\tat ");
        }
    }

    @Test
    void badFlagsExitTwoWithOneLineNamingTheValue() throws Exception {
        try (BerthProcess berth = BerthProcess.start(new ProcessBuilder(BerthProcess.command("echo", "--port", "99999")))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(berth.stderr()).containsExactly("berth echo: --port 99999: expected 0-65535");
        }
        try (BerthProcess berth = BerthProcess.start(new ProcessBuilder(BerthProcess.command("echo", "--bind", "db.internal")))) {
            assertThat(berth.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(berth.stderr()).singleElement().asString().startsWith("berth echo: --bind db.internal: not an IP address");
        }
    }

    @Test
    void runningOutOfFileDescriptorsPausesAcceptingWithoutSpinningAndRecovers() throws Exception {
        // The child gets a small fd table; the JVM itself needs a few dozen of them.
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n 160 && exec \"$@\"", "berth"));
        cmd.addAll(BerthProcess.command("echo", "--bind", "127.0.0.1", "--port", "0", "--log-format", "json"));
        try (BerthProcess berth = BerthProcess.start(new ProcessBuilder(cmd))) {
            int port = berth.awaitListeningPorts(1).getFirst();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    clients.add(connect("127.0.0.1", port)); // the kernel completes the handshake; accept may not follow
                }
                JsonNode failed = berth.awaitRecord("accept failed; pausing accepts");
                assertThat(failed.get("error").asText()).containsIgnoringCase("too many open files");
                assertThat(failed.get("advice").asText()).contains("ulimit -n");

                long ticksBefore = berth.cpuTicks();
                long start = System.nanoTime();
                await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuShare = (berth.cpuTicks() - ticksBefore) / 100.0 / seconds;
                assertThat(cpuShare).as("server CPU share while out of fds (a spinning accept loop is ~1.0)").isLessThan(0.5);
                assertThat(berth.isAlive()).isTrue();
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            // Descriptors free up: new connections are served again.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (Socket s = connect("127.0.0.1", port)) {
                    s.getOutputStream().write(42);
                    assertThat(s.getInputStream().read()).isEqualTo(42);
                }
            });
        }
    }
}
