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
    void demoShowsEveryByteComingBackAndExitsZero() throws Exception {
        long start = System.nanoTime();
        Result r = run(Map.of("BERTH_JAR", BerthProcess.jar().toAbsolutePath().toString()), "demo");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("proxy listening on 127.0.0.1:", "IPv4", "every byte came back, in order.", "access log", "reason DC",
                "closed by client");
        assertThat(r.err()).doesNotContain("LEAK", "Exception");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
}
