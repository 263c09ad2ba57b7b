package dev.berth.proxy.accesslog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines from a queue on a thread of its own, so an event loop never waits on
 * a disk or a pipe. The queue is bounded (65,536 lines): when the writer cannot keep up, lines
 * are dropped and counted rather than buffered without bound or blocking the data path.
 *
 * <p>The writer wakes every {@value #FLUSH_INTERVAL_MS} ms, writes what has queued and flushes
 * (Envoy flushes its access logs every second by default). Producers never wake it: waking a
 * parked thread costs the event loop a system call per line, which at tens of thousands of
 * connections a second was a visible share of the proxy's CPU.
 */
public final class AccessLogWriter implements AutoCloseable {

    /** How long a line may wait before it is written. */
    static final long FLUSH_INTERVAL_MS = 50;
    private static final int CAPACITY = 65_536;
    private static final Logger log = LoggerFactory.getLogger("berth.accesslog");

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Writer out;
    private final Thread thread;
    private final String target;
    private volatile boolean stopping;

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
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.offer(line);
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        try {
            boolean last = false;
            while (!last) {
                last = stopping; // read before draining: a line queued before close() is written
                int n = 0;
                String line;
                while ((line = queue.poll()) != null) {
                    out.write(line);
                    out.write('\n');
                    n++;
                }
                if (n > 0) {
                    queued.addAndGet(-n);
                    out.flush();
                }
                if (!last) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MS));
                }
            }
        } catch (IOException e) {
            log.atError().setMessage("access log write failed; access logging stopped")
                    .addKeyValue("target", target).addKeyValue("error", String.valueOf(e.getMessage())).log();
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
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
