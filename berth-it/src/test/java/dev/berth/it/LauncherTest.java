package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/berth}, the launcher script, and {@code berth demo} through it. */
@Timeout(120)
class LauncherTest {

    private static final Path HOME = Path.of(System.getProperty("berth.home", "..")).toAbsolutePath().normalize();

    private record Result(int status, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = HOME.resolve("bin/berth").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void findsAJava25AndRunsTheJar() throws Exception {
        Result r = run(Map.of("BERTH_JAR", BerthProcess.jar().toAbsolutePath().toString()), "--version");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("berth ").contains("java 25");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aMissingJarSaysWhichCommandBuildsIt() throws Exception {
        Result r = run(Map.of("BERTH_JAR", "/nonexistent/berth.jar"), "--version");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/berth.jar is not built", "./mvnw -q -B -DskipTests package");
    }

    @Test
    void demoShowsEveryByteComingBackADeniedClientAndAFailoverAndExitsZero() throws Exception {
        long start = System.nanoTime();
        Result r = run(Map.of("BERTH_JAR", BerthProcess.jar().toAbsolutePath().toString()), "demo");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("proxy listening on 127.0.0.1:", "IPv4", "every byte came back, in order.", "access log", "reason DC",
                "closed by client");
        // The policy: 127.0.0.2 is closed at accept with PD, counted, and never reaches a backend.
        assertThat(r.out()).containsPattern("127\\.0\\.0\\.2:\\d+ -> 127\\.0\\.0\\.1:\\d+: (closed|reset) by the proxy at once")
                .contains("access log: reason PD, \"denied by policy: deny 127.0.0.2/32\", upstream null",
                        "downstream_cx_denied_total{listener=\"demo-v4\"} 1.0",
                        "the denied client never reached a backend.");
        // The failover: backend b stops, the health check takes it out, new connections go to a.
        assertThat(r.out()).contains("3. backend b fails", "backend b ", "stopped: its port now refuses connections",
                        "health check: b healthy -> unhealthy after 2 failed checks (connection refused)",
                        "exact, via a, first try", "cluster_endpoint_healthy{cluster=\"echo\",endpoint=", "} 0.0",
                        "no new connection failed while backend b was down.")
                .containsPattern("\\d+ new connections while b was down, 0 failed")
                .doesNotContain("FAILED", "MISMATCH", "not found");
        assertThat(r.err()).contains("connection denied by policy", "endpoint unhealthy");
        assertThat(r.err()).doesNotContain("LEAK", "Exception");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
}
