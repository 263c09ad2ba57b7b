package dev.berth.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real {@code berth} program running as a child process, with its standard error parsed
 * into JSON log records as they arrive.
 *
 * <p>The child runs the built jar on this test's own Java (25), with Netty's leak detection
 * at paranoid; {@link #close()} fails the test if the child reported a leak.
 */
final class BerthProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<JsonNode> records = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final Thread errReader;
    private final Thread outReader;

    private BerthProcess(Process process) {
        this.process = process;
        this.errReader = Thread.ofPlatform().daemon().start(() -> pump(process.getErrorStream(), stderr, true));
        this.outReader = Thread.ofPlatform().daemon().start(() -> pump(process.getInputStream(), stdout, false));
    }

    /** The command line that runs berth with {@code args} on this JVM's Java. */
    static List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(Arrays.asList(System.getProperty("berth.childJvmFlags", "").trim().split("\\s+")));
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:MaxDirectMemorySize=256m",
                "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        cmd.addAll(Arrays.asList(args));
        cmd.removeIf(String::isEmpty);
        return cmd;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("berth.jar", "../berth-cli/target/berth.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is not built: run ./mvnw -B verify from the project root");
        }
        return jar;
    }

    /** Starts {@code berth ARGS --log-format json}. */
    static BerthProcess start(String... args) throws IOException {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--log-format");
        all.add("json");
        return start(new ProcessBuilder(command(all.toArray(String[]::new))));
    }

    static BerthProcess start(ProcessBuilder builder) throws IOException {
        return new BerthProcess(builder.start());
    }

    private void pump(InputStream in, List<String> lines, boolean parseJson) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (parseJson && line.startsWith("{")) {
                    try {
                        records.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("log line is not JSON: " + line, e);
                    }
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    long pid() {
        return process.pid();
    }

    List<JsonNode> records() {
        return records;
    }

    List<JsonNode> records(String msg) {
        return records.stream().filter(r -> r.path("msg").asText().equals(msg)).toList();
    }

    /** Waits for a record with this {@code msg} matching {@code filter} and returns it. */
    JsonNode awaitRecord(String msg, Predicate<JsonNode> filter, Duration timeout) {
        return await().atMost(timeout).until(
                () -> records(msg).stream().filter(filter).findFirst().orElse(null), r -> r != null);
    }

    JsonNode awaitRecord(String msg) {
        return awaitRecord(msg, r -> true, Duration.ofSeconds(20));
    }

    /** Waits for the {@code listening} records and returns the bound ports, in bind order. */
    List<Integer> awaitListeningPorts(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> listening().size() >= count || !process.isAlive());
        if (listening().size() < count) {
            throw new AssertionError("berth exited before listening: " + String.join("\n", stderr));
        }
        return listening().stream().map(r -> r.get("port").asInt()).toList();
    }

    private List<JsonNode> listening() {
        return records.stream().filter(r -> r.path("msg").asText().startsWith("listening")).toList();
    }

    void signal(String name) throws IOException, InterruptedException {
        // Only the process this test started, by PID.
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for exit and returns the status; fails if it takes longer than {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("berth did not exit within " + timeout + "; stderr:\n" + String.join("\n", stderr));
        }
        errReader.join(5000);
        outReader.join(5000);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> stderr() {
        return stderr;
    }

    List<String> stdout() {
        return stdout;
    }

    /** Resident set size of the child, in bytes, from {@code /proc/PID/status}. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    /** CPU time (user + system) the child has used, in clock ticks. */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        errReader.join(5000);
        List<String> leaks = stderr.stream().filter(l -> l.contains("LEAK:")).toList();
        if (!leaks.isEmpty()) {
            throw new AssertionError("berth reported buffer leaks:\n" + String.join("\n", leaks));
        }
    }
}
