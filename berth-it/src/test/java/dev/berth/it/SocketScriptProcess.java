package dev.berth.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link SocketScript} running in a network namespace: send a command, get its answer line.
 * Closing ends its standard input and waits for it to exit; failing that it is killed, by its
 * own process handle.
 */
final class SocketScriptProcess implements AutoCloseable {

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private SocketScriptProcess(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // ended
            }
        });
    }

    /** Starts the script inside {@code ns} on this test's Java and waits until it is ready. */
    static SocketScriptProcess start(NetNamespace ns) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path classes;
        try {
            classes = Path.of(SocketScript.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> command = ns.exec(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", classes.toString(), SocketScript.class.getName()));
        SocketScriptProcess script = new SocketScriptProcess(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        String ready = script.answers.poll(30, TimeUnit.SECONDS);
        if (!"ready".equals(ready)) {
            script.close();
            throw new IOException("socket script did not start: " + ready);
        }
        return script;
    }

    /** Sends one command and returns its answer. */
    String send(String command) throws IOException, InterruptedException {
        in.write(command + "\n");
        in.flush();
        String answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new IOException("no answer to '" + command + "'");
        }
        return answer;
    }

    /** Sends a command that must succeed. */
    String ok(String command) throws IOException, InterruptedException {
        String answer = send(command);
        if (!answer.startsWith("ok")) {
            throw new AssertionError("'" + command + "' failed: " + answer);
        }
        return answer;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
