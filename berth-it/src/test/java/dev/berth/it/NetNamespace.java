package dev.berth.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made by the test ({@code ip netns add}) and removed afterwards. Traffic
 * inside it never leaves the machine. {@code ip netns exec} bind-mounts
 * {@code /etc/netns/NAME/hosts} over {@code /etc/hosts}, which gives the namespace its own
 * names.
 */
final class NetNamespace implements AutoCloseable {

    final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** Creates the namespace, or returns {@code null} with the reason on stderr when this machine does not allow it. */
    static NetNamespace create(String prefix) throws IOException, InterruptedException {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
        String failure;
        try {
            failure = run("ip", "netns", "add", name);
        } catch (IOException e) {
            failure = "cannot run ip(8): " + e.getMessage();
        }
        if (failure != null) {
            System.err.println("network namespaces unavailable: " + failure);
            return null;
        }
        return new NetNamespace(name);
    }

    /** Runs {@code ip -n NAME ARGS...}; throws with ip's message when it fails. */
    void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        String failure = run(cmd.toArray(String[]::new));
        if (failure != null) {
            throw new IOException(String.join(" ", cmd) + ": " + failure);
        }
    }

    /** Sets a sysctl inside the namespace ({@code net.*} sysctls are per namespace); throws with the error when it fails. */
    void sysctl(String name, String value) throws IOException, InterruptedException {
        String failure = run(exec(List.of("sysctl", "-q", "-w", name + "=" + value)).toArray(String[]::new));
        if (failure != null) {
            throw new IOException("sysctl " + name + "=" + value + " in " + this.name + ": " + failure);
        }
    }

    /** Runs a command inside the namespace and returns its standard output; throws when it fails. */
    String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(exec(List.of(command))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue());
        }
        return output;
    }

    void hosts(String content) throws IOException {
        Path dir = Path.of("/etc/netns", name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("hosts"), content);
    }

    /** {@code command} prefixed so that it runs inside the namespace. */
    List<String> exec(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(command);
        return cmd;
    }

    /** Runs a command; returns {@code null} on success, else its error output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : (output.isEmpty() ? "exit " + p.exitValue() : output);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "netns", "del", name);
        Path dir = Path.of("/etc/netns", name);
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
