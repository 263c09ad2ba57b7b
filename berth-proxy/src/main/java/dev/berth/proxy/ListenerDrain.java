package dev.berth.proxy;

import dev.berth.proxy.config.ShutdownConfig;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.relay.ProxyConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drains listeners: they keep accepting for {@code accept_grace}, then stop (new connects are
 * refused). Connections with no traffic for a second are closed first, spread over the first
 * half of {@code drain_timeout} rather than all at once (a reconnect storm onto the other
 * replicas is what a drain should avoid); connections still moving bytes are left to finish and
 * closed as soon as they go quiet; whatever is open at the deadline is closed with {@code DR}.
 * The whole proxy drains this way on SIGTERM, and a listener a reload removed drains the same way.
 */
final class ListenerDrain {

    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How a drain ended. */
    record Outcome(int closedIdle, int closedAtDeadline) {}

    private ListenerDrain() {}

    /** Drains {@code listeners} as described on the class; blocks until their connections are gone. */
    static Outcome run(Collection<ProxyListener> listeners, ShutdownConfig shutdown) {
        sleepUninterruptibly(shutdown.acceptGrace());
        for (ProxyListener l : listeners) {
            l.stopAccepting();
        }
        Duration timeout = shutdown.drainTimeout();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long quietPhaseEnd = start + timeout.toNanos() / 2;
        long tick = TimeUnit.MILLISECONDS.toNanos(100);
        int closedQuiet = 0;
        while (open(listeners) > 0 && System.nanoTime() - deadline < 0) {
            long now = System.nanoTime();
            List<ProxyConnection> quiet = new ArrayList<>();
            for (ProxyListener l : listeners) {
                for (ProxyConnection c : l.connections()) {
                    if (c.idleNanos(now) >= QUIET_NANOS) {
                        quiet.add(c);
                    }
                }
            }
            // Spread the quiet ones over the first half of the window: ticks left in it share them.
            long ticksLeft = Math.max(1, (quietPhaseEnd - now) / tick);
            int batch = (int) Math.min(quiet.size(), Math.max(1, (quiet.size() + ticksLeft - 1) / ticksLeft));
            for (int i = 0; i < batch; i++) {
                quiet.get(i).terminate(ReasonCode.DR, "drain: connection was idle");
                closedQuiet++;
            }
            sleepUninterruptibly(Duration.ofNanos(Math.min(tick, Math.max(0, deadline - System.nanoTime()))));
        }
        int forced = 0;
        for (ProxyListener l : listeners) {
            for (ProxyConnection c : l.connections()) {
                c.terminate(ReasonCode.DR, "drain: timeout reached");
                forced++;
            }
        }
        return new Outcome(closedQuiet, forced);
    }

    static int open(Collection<ProxyListener> listeners) {
        int n = 0;
        for (ProxyListener l : listeners) {
            n += l.connections().size();
        }
        return n;
    }

    private static void sleepUninterruptibly(Duration d) {
        // Waiting out a configured grace period is the feature here, not synchronisation.
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                // keep waiting: the drain has its own deadline
            }
        }
    }
}
