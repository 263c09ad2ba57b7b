package dev.berth.server.lifecycle;

import sun.misc.Signal;

/**
 * Turns SIGHUP into a request to reload the configuration, as nginx and HAProxy do. Without
 * a handler the JVM would treat SIGHUP as a request to exit.
 */
public final class ReloadSignal {

    private ReloadSignal() {}

    /**
     * Calls {@code onReload} on the signal dispatcher thread for each SIGHUP; it should hand
     * the work to a thread of its own and return.
     */
    public static void install(Runnable onReload) {
        Signal.handle(new Signal("HUP"), s -> onReload.run());
    }
}
