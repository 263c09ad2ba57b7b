package dev.berth.server.lifecycle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a request to drain, and a second SIGINT into an immediate exit.
 *
 * <p>{@code sun.misc.Signal} rather than a shutdown hook: a hook cannot tell the first Ctrl-C
 * from the second, and runs after the JVM has already begun to exit.
 */
public final class ShutdownSignals {

    private static final Logger log = LoggerFactory.getLogger("berth.lifecycle");

    /** Exit status after a second SIGINT: 128 + SIGINT, as shells report it. */
    public static final int FORCED_EXIT_STATUS = 130;

    private final CompletableFuture<String> requested = new CompletableFuture<>();
    private final AtomicBoolean interruptedOnce = new AtomicBoolean();

    private ShutdownSignals() {}

    /** Installs the handlers for this process. */
    public static ShutdownSignals install() {
        ShutdownSignals signals = new ShutdownSignals();
        Signal.handle(new Signal("TERM"), s -> signals.requested.complete("SIGTERM"));
        Signal.handle(new Signal("INT"), s -> {
            if (signals.interruptedOnce.getAndSet(true)) {
                log.atWarn().setMessage("second SIGINT; exiting without draining").log();
                dev.berth.server.logging.Logging.shutdown();
                Runtime.getRuntime().halt(FORCED_EXIT_STATUS);
            }
            signals.requested.complete("SIGINT");
        });
        return signals;
    }

    /** Completes with the name of the first signal received. */
    public CompletableFuture<String> requested() {
        return requested;
    }
}
