package dev.berth.proxy.cluster;

import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.health.OutlierDetector;
import dev.berth.proxy.health.OutlierState;
import dev.berth.proxy.health.PanicMode;
import dev.berth.proxy.health.RiseFall;
import dev.berth.proxy.health.Transition;
import dev.berth.proxy.loadbalancer.LoadBalancer;
import dev.berth.proxy.loadbalancer.LoadBalancers;
import dev.berth.proxy.loadbalancer.PickContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster at run time: its endpoints, which of them take traffic, the load balancer over
 * those, and the cluster-wide limits ({@code max_connections}, {@code max_pending}).
 *
 * <p>The snapshot (endpoints, healthy ones, balancer) is immutable and swapped whole whenever
 * discovery changes the endpoints or an endpoint's health changes, so a pick never sees a
 * half-updated list and never takes a lock. The balancer picks among the healthy endpoints
 * ({@link UpstreamEndpoint#healthy()}), or among all of them in panic mode (fewer than
 * {@code panic_threshold} percent healthy).
 *
 * <p>Health arrives from three places, each of which may swap the snapshot: active check results
 * ({@link #checkResult}, from the health checker's thread), connection outcomes for outlier
 * detection ({@link #connectFailed}, {@link #connectionEnded}, from the event loops), and the
 * end of an ejection ({@link #sweep}, on the timer). Transitions are logged as records on the
 * {@code berth.health} logger and counted in {@link #stats()}.
 */
public final class Cluster {

    private static final Logger log = LoggerFactory.getLogger("berth.health");

    /** Endpoints, the ones that take traffic, and the balancer built over exactly those. */
    private record Snapshot(
            List<UpstreamEndpoint> endpoints,
            List<OutlierState> outliers,
            int healthy,
            boolean panic,
            List<UpstreamEndpoint> candidates,
            LoadBalancer balancer) {}

    private final ClusterConfig config;
    private final ScheduledExecutorService timer;
    private final LongSupplier clock;
    private final OutlierDetector detector;
    // Shared with the cluster this one replaced on a reload (see successor): the limits count
    // connections opened under either, and the counters go on rather than restart.
    private final ClusterStats stats;
    private final AtomicInteger active;
    private final AtomicInteger pending;
    private final List<Runnable> membershipListeners = new CopyOnWriteArrayList<>();
    private final Set<UpstreamEndpoint> draining = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile Snapshot snapshot;
    private volatile Cluster replacedBy;

    /** A cluster without a timer: ejections end only by {@link #sweep()} or a passing check. */
    public Cluster(ClusterConfig config, List<UpstreamEndpoint> endpoints) {
        this(config, endpoints, null, System::nanoTime);
    }

    /**
     * @param timer runs ejection sweeps and removal deadlines; {@code null} for none
     * @param clock monotonic nanos, for ejection times
     */
    public Cluster(ClusterConfig config, List<UpstreamEndpoint> endpoints, ScheduledExecutorService timer, LongSupplier clock) {
        this(config, endpoints, timer, clock, new ClusterStats(), new AtomicInteger(), new AtomicInteger());
    }

    private Cluster(ClusterConfig config, List<UpstreamEndpoint> endpoints, ScheduledExecutorService timer, LongSupplier clock,
                    ClusterStats stats, AtomicInteger active, AtomicInteger pending) {
        this.stats = stats;
        this.active = active;
        this.pending = pending;
        this.config = config;
        this.timer = timer;
        this.clock = clock;
        this.detector = config.outlierDetection() == null ? null : new OutlierDetector(config.outlierDetection());
        update(endpoints);
    }

    public String name() {
        return config.name();
    }

    public ClusterConfig config() {
        return config;
    }

    public ClusterStats stats() {
        return stats;
    }

    // ---- membership ------------------------------------------------------------------------

    /**
     * Replaces the endpoints. An endpoint that is gone gets no new connections; its open ones
     * are left to finish, or closed once {@code endpoint_removal_grace} has passed when it is set.
     */
    public void update(List<UpstreamEndpoint> endpoints) {
        List<UpstreamEndpoint> removed = new ArrayList<>();
        boolean changed;
        synchronized (lock) {
            List<UpstreamEndpoint> copy = List.copyOf(endpoints);
            for (UpstreamEndpoint e : copy) {
                e.attach(config.healthCheck(), detector != null);
            }
            Snapshot previous = snapshot;
            snapshot = build(copy, previous);
            changed = previous == null || !previous.endpoints().equals(copy);
            if (previous != null) {
                Set<UpstreamEndpoint> kept = Collections.newSetFromMap(new IdentityHashMap<>());
                kept.addAll(copy);
                for (UpstreamEndpoint e : previous.endpoints()) {
                    if (!kept.contains(e)) {
                        removed.add(e);
                    }
                }
            }
        }
        for (UpstreamEndpoint e : removed) {
            remove(e);
        }
        if (changed) {
            for (Runnable l : membershipListeners) {
                l.run();
            }
        }
    }

    private void remove(UpstreamEndpoint e) {
        e.markRemoved();
        int open = e.activeConnections();
        long graceNanos = config.endpointRemovalGrace().toNanos();
        if (open > 0) {
            draining.add(e);
            if (graceNanos > 0) {
                later(() -> {
                    e.closeAll();
                    draining.remove(e);
                }, graceNanos);
            }
        }
        log.atInfo().setMessage("endpoint removed")
                .addKeyValue("cluster", name()).addKeyValue("endpoint", e.label())
                .addKeyValue("active_connections", open)
                .addKeyValue("drain", graceNanos > 0 ? "closed after " + config.endpointRemovalGrace().toMillis() + " ms"
                        : "until they close")
                .log();
    }

    /** Called after the endpoint set changes (not on health changes); fast, on the caller's thread. */
    public void addMembershipListener(Runnable listener) {
        membershipListeners.add(listener);
    }

    public void removeMembershipListener(Runnable listener) {
        membershipListeners.remove(listener);
    }

    /**
     * The cluster that replaces this one when a reload changes its configuration. It counts
     * against the same {@code max_connections} and {@code max_pending} as this one (connections
     * opened before the reload still hold their slots here) and continues its statistics. This
     * one keeps serving the connections it has; new ones go to the successor.
     *
     * @param endpoints its endpoints; endpoint objects taken over from this cluster keep their
     *                  health and connection counts
     */
    public Cluster successor(ClusterConfig next, List<UpstreamEndpoint> endpoints, ScheduledExecutorService successorTimer) {
        return new Cluster(next, endpoints, successorTimer, clock, stats, active, pending);
    }

    void markReplacedBy(Cluster next) {
        replacedBy = next;
    }

    /**
     * The cluster that took this one's place through reloads, or this one while it is
     * current. A connection that picked this cluster an instant before a reload replaced it
     * goes there rather than finding this one empty.
     */
    public Cluster latest() {
        Cluster c = this;
        while (c.replacedBy != null) {
            c = c.replacedBy;
        }
        return c;
    }

    /** Every endpoint, healthy or not. */
    public List<UpstreamEndpoint> endpoints() {
        return snapshot.endpoints();
    }

    /** The endpoints the balancer picks from: the healthy ones, or all of them in panic mode. */
    public List<UpstreamEndpoint> candidates() {
        return snapshot.candidates();
    }

    /** Endpoints that take traffic by their health (in panic mode the balancer uses the others too). */
    public int healthyEndpoints() {
        return snapshot.healthy();
    }

    /** True while fewer than {@code panic_threshold} percent of the endpoints are healthy. */
    public boolean panic() {
        return snapshot.panic();
    }

    /** Endpoints that left the cluster with connections still open. */
    public List<UpstreamEndpoint> draining() {
        draining.removeIf(e -> e.activeConnections() == 0);
        return List.copyOf(draining);
    }

    /** An endpoint for a new connection, or {@code null} when there is none to pick. */
    public UpstreamEndpoint pick(PickContext context) {
        return (UpstreamEndpoint) snapshot.balancer().pick(context);
    }

    // ---- limits ----------------------------------------------------------------------------

    /** Claims one of {@code max_connections}; false means overflow ({@code UO}). */
    public boolean tryAcquire() {
        return claim(active, config.maxConnections());
    }

    /** Returns a slot claimed with {@link #tryAcquire()}. */
    public void release() {
        active.decrementAndGet();
    }

    /** Upstream connections open (or being opened) right now. */
    public int activeConnections() {
        return active.get();
    }

    /** Claims one of {@code max_pending} (a client waiting for its upstream connect); false means overflow ({@code UO}), counted. */
    public boolean tryAcquirePending() {
        if (claim(pending, config.maxPending())) {
            return true;
        }
        stats.pendingOverflow();
        return false;
    }

    /** Returns a slot claimed with {@link #tryAcquirePending()}: the connect ended, either way. */
    public void releasePending() {
        pending.decrementAndGet();
    }

    /** Clients waiting for an upstream connect right now. */
    public int pendingConnections() {
        return pending.get();
    }

    private static boolean claim(AtomicInteger counter, int max) {
        int now;
        do {
            now = counter.get();
            if (now >= max) {
                return false;
            }
        } while (!counter.compareAndSet(now, now + 1));
        return true;
    }

    // ---- health ----------------------------------------------------------------------------

    /**
     * An active check of {@code e} ended. Called by the health checker, one check of an
     * endpoint at a time.
     *
     * @param detail why it failed; ignored when it passed
     */
    public void checkResult(UpstreamEndpoint e, boolean passed, String detail) {
        stats.check(passed);
        RiseFall rf = e.riseFall();
        if (rf == null) {
            return;
        }
        boolean wasKnown = rf.known();
        Transition t = rf.record(passed);
        e.checked(rf.healthy(), passed ? null : detail);
        boolean rebuild = false;
        if (t == Transition.CHANGED) {
            stats.transition(rf.healthy());
            var event = rf.healthy() ? log.atInfo() : log.atWarn();
            event.setMessage(rf.healthy() ? "endpoint healthy" : "endpoint unhealthy")
                    .addKeyValue("cluster", name()).addKeyValue("endpoint", e.label())
                    .addKeyValue("check", config.healthCheck().type().name().toLowerCase(java.util.Locale.ROOT))
                    .addKeyValue("after", wasKnown ? (rf.healthy() ? config.healthCheck().healthyThreshold() + " passed checks"
                            : config.healthCheck().unhealthyThreshold() + " failed checks") : "its first check");
            if (!passed) {
                event.addKeyValue("error", detail);
            }
            event.log();
            rebuild = true;
        }
        OutlierState o = e.outlier();
        if (passed && o != null && detector.activeCheckPassed(o, clock.getAsLong())) {
            logReturned(e, "an active check passed");
            rebuild = true;
        }
        if (rebuild) {
            rebuild();
        }
    }

    /** A connection attempt to {@code e} failed (refused, unreachable, timed out). */
    public void connectFailed(UpstreamEndpoint e) {
        e.connectFailed();
        failure(e);
    }

    /**
     * A connection to {@code e} ended: it is no longer counted on the endpoint, and its outcome
     * feeds outlier detection (a reset by the endpoint is a failure, anything else a success).
     *
     * @param closer the one given to {@link UpstreamEndpoint#connected(Runnable)}
     */
    public void connectionEnded(UpstreamEndpoint e, Runnable closer, boolean resetByEndpoint) {
        e.disconnected(closer);
        if (resetByEndpoint) {
            failure(e);
        } else if (e.outlier() != null) {
            detector.success(e.outlier());
        }
    }

    private void failure(UpstreamEndpoint e) {
        OutlierState o = e.outlier();
        if (o == null || e.removed()) {
            return;
        }
        long now = clock.getAsLong();
        if (!detector.failure(o, snapshot.outliers(), now)) {
            return;
        }
        stats.ejection();
        long nanos = o.ejectionRemainingNanos(now);
        log.atWarn().setMessage("endpoint ejected")
                .addKeyValue("cluster", name()).addKeyValue("endpoint", e.label())
                .addKeyValue("consecutive_failures", config.outlierDetection().consecutiveFailures())
                .addKeyValue("times_ejected", o.timesEjected())
                .addKeyValue("ejection_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .log();
        rebuild();
        later(this::sweep, nanos);
    }

    /** Runs {@code task} on the timer after {@code nanos}; nothing without a timer or once it is shut down. */
    private void later(Runnable task, long nanos) {
        if (timer == null) {
            return;
        }
        try {
            timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the proxy is stopping; nothing is left to return or to close
        }
    }

    /**
     * Returns endpoints whose ejection has ended. The timer calls it when an ejection ends.
     *
     * @return nanos until the next ejection ends, or -1 when none is ejected
     */
    public long sweep() {
        if (detector == null) {
            return -1;
        }
        Snapshot s = snapshot;
        List<OutlierState> returned = new ArrayList<>();
        long next = detector.sweep(s.outliers(), clock.getAsLong(), returned::add);
        for (UpstreamEndpoint e : s.endpoints()) {
            if (returned.contains(e.outlier())) {
                logReturned(e, "its ejection time ended");
            }
        }
        if (!returned.isEmpty()) {
            rebuild();
        }
        return next;
    }

    private void logReturned(UpstreamEndpoint e, String why) {
        log.atInfo().setMessage("endpoint returned")
                .addKeyValue("cluster", name()).addKeyValue("endpoint", e.label())
                .addKeyValue("because", why)
                .log();
    }

    /** Re-reads every endpoint's health into a new snapshot. */
    private void rebuild() {
        synchronized (lock) {
            snapshot = build(snapshot.endpoints(), snapshot);
        }
    }

    private Snapshot build(List<UpstreamEndpoint> endpoints, Snapshot previous) {
        List<UpstreamEndpoint> healthy = new ArrayList<>(endpoints.size());
        List<OutlierState> outliers = new ArrayList<>(endpoints.size());
        for (UpstreamEndpoint e : endpoints) {
            if (e.healthy()) {
                healthy.add(e);
            }
            if (e.outlier() != null) {
                outliers.add(e.outlier());
            }
        }
        boolean panic = PanicMode.active(healthy.size(), endpoints.size(), config.panicThreshold());
        List<UpstreamEndpoint> candidates = panic ? endpoints : List.copyOf(healthy);
        // Same candidates, same balancer: a round robin keeps its place, a ring is not rebuilt.
        LoadBalancer balancer = previous != null && previous.candidates().equals(candidates)
                ? previous.balancer()
                : LoadBalancers.create(config.lb(), candidates);
        if (previous != null && previous.panic() != panic) {
            var event = panic ? log.atWarn() : log.atInfo();
            event.setMessage(panic ? "panic: too few healthy endpoints, balancing across all of them" : "panic over")
                    .addKeyValue("cluster", name())
                    .addKeyValue("healthy", healthy.size())
                    .addKeyValue("endpoints", endpoints.size())
                    .addKeyValue("panic_threshold", config.panicThreshold())
                    .log();
        }
        return new Snapshot(endpoints, List.copyOf(outliers), healthy.size(), panic, candidates, balancer);
    }
}
