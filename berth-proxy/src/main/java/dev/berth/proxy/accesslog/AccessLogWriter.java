package dev.berth.proxy.accesslog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines from a queue on a thread of its own, so an event loop never waits on
 * a disk or a pipe. The queue is bounded (65,536 lines): when the writer cannot keep up, lines
 * are dropped and counted rather than buffered without bound or blocking the data path.
 */
public final class AccessLogWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("berth.accesslog");
    private static final String STOP = new String("stop");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final LongAdder dropped = new LongAdder();
    private final Writer out;
    private final Thread thread;
    private final String target;

    private AccessLogWriter(Writer out, String target) {
        this.out = out;
        this.target = target;
        this.thread = Thread.ofPlatform().daemon().name("berth-accesslog").start(this::run);
    }

    public static AccessLogWriter stdout() {
        return new AccessLogWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 64 * 1024), "stdout");
    }

    public static AccessLogWriter file(Path path) throws IOException {
        Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        return new AccessLogWriter(w, path.toString());
    }

    /** Queues one line; never blocks. */
    public void submit(String line) {
        if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        try {
            while (true) {
                String line = queue.take();
                if (line == STOP) {
                    break;
                }
                out.write(line);
                out.write('\n');
                // Flush when the queue runs dry: batches under load, prompt when quiet.
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.atError().setMessage("access log write failed; access logging stopped")
                    .addKeyValue("target", target).addKeyValue("error", String.valueOf(e.getMessage())).log();
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            thread.join(TimeUnit.SECONDS.toMillis(5));
            if (!target.equals("stdout")) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing a log file at exit: nothing more to do
        }
    }
}
