package dev.berth.dial;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The timing rules of RFC 8305 Happy Eyeballs as a pure state machine: events go in with the
 * current time, actions come out ({@link Start}, {@link Cancel}, {@link Win}, {@link Fail}),
 * and {@link #nextWakeupNanos()} says when to call {@link #timer} next. No threads, no clock
 * of its own, so every rule is tested exactly in virtual time.
 *
 * <p>The rules, and the variants chosen where RFC 8305 leaves room:
 * <ul>
 *   <li><b>Order (§4).</b> Within a family, the resolver's order. Across families: the preferred
 *       family first (IPv6 by default), {@code firstFamilyCount} of it, then alternating one by
 *       one. The count applies to the first run only, as the RFC words it (asyncio does the
 *       same; Envoy repeats the pattern). When one family runs out, the other continues.
 *       RFC 6724 sorting is not done here: the system resolver already returns
 *       {@code getaddrinfo}'s order.</li>
 *   <li><b>Resolution delay (§3).</b> Both families are asked at once. An answer for the
 *       preferred family starts the race at once; an answer for the other family first waits
 *       {@code resolutionDelay} for the preferred one (a negative or failed preferred answer
 *       ends the wait). Answers that arrive once attempts are running join the not-yet-tried
 *       addresses in their interleaved place (§6); answers after the race ended are ignored.</li>
 *   <li><b>Next attempt (§5).</b> Starts {@code attemptDelay} after the previous attempt
 *       started, <em>or as soon as any running attempt fails</em> (Envoy's trigger: a failure
 *       is evidence, and an older attempt still pending is probably black-holed) — but never
 *       within {@link DialOptions#MIN_ATTEMPT_GAP} (10 ms) of the previous start, even after a
 *       failure, which the RFC's MUST requires. A running attempt is never cancelled because a
 *       newer one starts (the Node.js bug), except above {@code maxParallelAttempts}, where
 *       the oldest is retired.</li>
 *   <li><b>Winner (§5).</b> The first handshake to complete wins; every other running attempt
 *       is cancelled, untried addresses are dropped, and a second success reported later is
 *       answered with {@link Cancel} (no double winner).</li>
 *   <li><b>Deadline.</b> One overall deadline covers resolution and all attempts. At the
 *       deadline running attempts end as {@link AttemptOutcome#TIMEOUT}. When the deadline and
 *       a scheduled start fall on the same instant, the deadline wins and nothing starts.</li>
 *   <li><b>Failure.</b> Three distinct kinds: no addresses, all attempts failed, deadline
 *       exceeded (see {@link DialException}).</li>
 * </ul>
 *
 * <p>Not thread-safe: a dial drives it from one thread (its event loop).
 */
public final class AttemptScheduler {

    /** What the driver must do after an event. */
    public sealed interface Action permits Start, Cancel, Win, Fail {}

    /** Open a connection to the attempt's address. */
    public record Start(Attempt attempt) implements Action {}

    /** Close the attempt's connection (it lost, timed out, or won too late). */
    public record Cancel(Attempt attempt) implements Action {}

    /** The attempt's connection is the result. */
    public record Win(Attempt attempt) implements Action {}

    /** The dial failed. */
    public record Fail(DialException error) implements Action {}

    /** One connection attempt; the driver keeps its own connection object next to it. */
    public static final class Attempt {
        private final int index;
        private final InetSocketAddress address;
        private final Family family;
        private final long startNanos;
        private long endNanos = -1;
        private AttemptOutcome outcome = AttemptOutcome.PENDING;
        private Throwable error;
        private String errorText;

        private Attempt(int index, InetSocketAddress address, long startNanos) {
            this.index = index;
            this.address = address;
            this.family = Family.of(address.getAddress());
            this.startNanos = startNanos;
        }

        /** 0 for the first attempt started, 1 for the next... */
        public int index() {
            return index;
        }

        public InetSocketAddress address() {
            return address;
        }

        public Family family() {
            return family;
        }

        public AttemptOutcome outcome() {
            return outcome;
        }

        boolean running() {
            return outcome == AttemptOutcome.PENDING;
        }

        AttemptRecord record(long originNanos, long nowNanos) {
            long end = endNanos < 0 ? nowNanos : endNanos;
            return new AttemptRecord(address, family, Duration.ofNanos(startNanos - originNanos),
                    Duration.ofNanos(end - startNanos), outcome, errorText);
        }

        @Override
        public String toString() {
            return "attempt " + index + " " + address + " " + outcome;
        }
    }

    private final String host;
    private final int port;
    private final DialOptions options;
    private final long origin;
    private final long deadline;
    private final long attemptDelay;
    private final long resolutionDelay;
    private final long minGap;

    private final Map<Family, ArrayDeque<InetSocketAddress>> untried = new EnumMap<>(Family.class);
    private final Map<Family, ResolutionRecord> resolutions = new EnumMap<>(Family.class);
    private final List<Attempt> attempts = new ArrayList<>();

    private long otherFamilyAnsweredAt = -1;
    private long lastStart;
    private long lastFailure = -1;
    private Family lastFamily;
    private Family firstFamily;
    private int firstRunLength;
    private boolean firstRunOngoing;
    private boolean done;
    private Attempt winner;

    /**
     * A new race. {@code pending} are the families being resolved now (each must later get
     * {@link #resolved} or {@link #resolutionFailed}); the families of {@code options} not in
     * it are recorded as skipped.
     */
    public AttemptScheduler(String host, int port, DialOptions options, java.util.Set<Family> pending, long nowNanos) {
        this.host = host;
        this.port = port;
        this.options = options;
        this.origin = nowNanos;
        this.deadline = nowNanos + options.timeout().toNanos();
        this.attemptDelay = options.attemptDelay().toNanos();
        this.resolutionDelay = options.resolutionDelay().toNanos();
        this.minGap = DialOptions.MIN_ATTEMPT_GAP.toNanos();
        for (Family f : Family.values()) {
            untried.put(f, new ArrayDeque<>());
            if (!pending.contains(f)) {
                resolutions.put(f, new ResolutionRecord(f, ResolutionRecord.Outcome.SKIPPED, List.of(), null,
                        options.families().contains(f) ? "not asked (the host is an IP address of the other family)"
                                : "excluded by the family filter"));
            }
        }
    }

    // ---- events ---------------------------------------------------------------------------

    /** {@code family} resolved to {@code addresses} (empty: a negative answer). */
    public List<Action> resolved(Family family, List<InetAddress> addresses, long now) {
        if (done || resolutions.containsKey(family)) {
            return List.of();
        }
        List<InetAddress> mine = addresses.stream().filter(a -> Family.of(a) == family).toList();
        resolutions.put(family, new ResolutionRecord(family,
                mine.isEmpty() ? ResolutionRecord.Outcome.NEGATIVE : ResolutionRecord.Outcome.POSITIVE,
                mine, Duration.ofNanos(now - origin), mine.isEmpty() ? "no " + family.displayName() + " address" : null));
        for (InetAddress a : mine) {
            untried.get(family).add(new InetSocketAddress(a, port));
        }
        if (!mine.isEmpty() && family != options.preferred() && otherFamilyAnsweredAt < 0) {
            otherFamilyAnsweredAt = now;
        }
        return advance(now);
    }

    /** Resolving {@code family} failed; an {@link UnknownHostException} counts as a negative answer. */
    public List<Action> resolutionFailed(Family family, Throwable error, long now) {
        if (done || resolutions.containsKey(family)) {
            return List.of();
        }
        boolean negative = error instanceof UnknownHostException;
        String text = negative ? "unknown host" : describe(error);
        resolutions.put(family, new ResolutionRecord(family,
                negative ? ResolutionRecord.Outcome.NEGATIVE : ResolutionRecord.Outcome.ERROR,
                List.of(), Duration.ofNanos(now - origin), text));
        return advance(now);
    }

    /** The attempt's handshake completed. */
    public List<Action> connected(Attempt attempt, long now) {
        if (done || !attempt.running()) {
            // Lost the race (or was already cancelled): the driver closes it. No second winner.
            return List.of(new Cancel(attempt));
        }
        attempt.endNanos = now;
        attempt.outcome = AttemptOutcome.CONNECTED;
        winner = attempt;
        done = true;
        List<Action> actions = new ArrayList<>();
        for (Attempt other : attempts) {
            if (other.running()) {
                end(other, AttemptOutcome.CANCELLED, null, "cancelled: " + attempt.address + " connected first", now);
                actions.add(new Cancel(other));
            }
        }
        abandonResolutions();
        actions.add(new Win(attempt));
        return actions;
    }

    /** The attempt failed with {@code error}. */
    public List<Action> failed(Attempt attempt, Throwable error, long now) {
        if (done || !attempt.running()) {
            return List.of();
        }
        AttemptOutcome outcome = ConnectErrors.classify(error);
        end(attempt, outcome, error, ConnectErrors.describe(error, attempt.address), now);
        lastFailure = now;
        return advance(now);
    }

    /**
     * The caller gave up (cancelled the dial): every running attempt is cancelled and no
     * {@link Fail} follows; the caller already knows.
     */
    public List<Action> cancel(long now) {
        if (done) {
            return List.of();
        }
        done = true;
        List<Action> actions = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.running()) {
                end(a, AttemptOutcome.CANCELLED, null, "cancelled by the caller", now);
                actions.add(new Cancel(a));
            }
        }
        abandonResolutions();
        return actions;
    }

    /** Time passed; call at (or after) {@link #nextWakeupNanos()}. */
    public List<Action> timer(long now) {
        if (done) {
            return List.of();
        }
        return advance(now);
    }

    // ---- queries --------------------------------------------------------------------------

    /** When to call {@link #timer} next (absolute, in the caller's nanos); {@link Long#MAX_VALUE} when done. */
    public long nextWakeupNanos() {
        if (done) {
            return Long.MAX_VALUE;
        }
        long next = deadline;
        if (hasUntried()) {
            long gate = startGate();
            if (gate >= 0) {
                next = Math.min(next, Math.max(gate, earliestNextStart()));
            }
        }
        return next;
    }

    public boolean isDone() {
        return done;
    }

    /** The winning attempt, once there is one. */
    public Attempt winner() {
        return winner;
    }

    /** Every attempt so far, in start order, as records (running ones as {@code PENDING}). */
    public List<AttemptRecord> records(long now) {
        return attempts.stream().map(a -> a.record(origin, now)).toList();
    }

    public Map<Family, ResolutionRecord> resolutions() {
        return Map.copyOf(resolutions);
    }

    // ---- the rules ------------------------------------------------------------------------

    private List<Action> advance(long now) {
        List<Action> actions = new ArrayList<>();
        if (now - deadline >= 0) {
            for (Attempt a : attempts) {
                if (a.running()) {
                    end(a, AttemptOutcome.TIMEOUT, null,
                            "no answer within the " + millis(options.timeout().toNanos()) + " deadline", now);
                    actions.add(new Cancel(a));
                }
            }
            for (Family f : Family.values()) {
                resolutions.putIfAbsent(f, new ResolutionRecord(f, ResolutionRecord.Outcome.TIMED_OUT, List.of(), null,
                        "no answer"));
            }
            actions.add(fail(DialException.Kind.DEADLINE_EXCEEDED, now));
            return actions;
        }
        if (hasUntried()) {
            long gate = startGate();
            if (gate >= 0 && now - Math.max(gate, earliestNextStart()) >= 0) {
                Attempt started = startNext(now, actions);
                actions.add(new Start(started));
            }
        }
        boolean resolving = resolutions.size() < Family.values().length;
        if (!resolving && !hasUntried() && attempts.stream().noneMatch(Attempt::running)) {
            actions.add(fail(attempts.isEmpty() ? DialException.Kind.NO_ADDRESSES
                    : DialException.Kind.ALL_ATTEMPTS_FAILED, now));
        }
        return actions;
    }

    /**
     * When resolution allows the first attempt to start (absolute nanos), or -1 while it must
     * wait for an answer. Only gates the first attempt.
     */
    private long startGate() {
        if (!attempts.isEmpty()) {
            return 0;
        }
        Family preferred = options.preferred();
        if (!untried.get(preferred).isEmpty() || resolutions.containsKey(preferred)) {
            return 0; // the preferred family answered (or was never asked)
        }
        return otherFamilyAnsweredAt < 0 ? -1 : otherFamilyAnsweredAt + resolutionDelay;
    }

    private long earliestNextStart() {
        if (attempts.isEmpty()) {
            return Long.MIN_VALUE / 2;
        }
        long byDelay = lastStart + attemptDelay;
        if (lastFailure >= 0 && lastFailure - lastStart >= 0) {
            return Math.min(byDelay, Math.max(lastFailure, lastStart + minGap));
        }
        return byDelay;
    }

    private Attempt startNext(long now, List<Action> actions) {
        Family want;
        if (lastFamily == null) {
            want = options.preferred();
        } else if (firstRunOngoing && lastFamily == firstFamily && firstRunLength < options.firstFamilyCount()) {
            want = lastFamily;
        } else {
            want = lastFamily.other();
        }
        if (untried.get(want).isEmpty()) {
            want = want.other();
        }
        if (lastFamily == null) {
            firstFamily = want;
            firstRunLength = 1;
            firstRunOngoing = true;
        } else if (firstRunOngoing && want == firstFamily) {
            firstRunLength++;
        } else {
            firstRunOngoing = false;
        }
        lastFamily = want;

        int cap = options.maxParallelAttempts();
        if (cap > 0) {
            List<Attempt> running = attempts.stream().filter(Attempt::running).toList();
            if (running.size() >= cap) {
                Attempt oldest = running.getFirst();
                end(oldest, AttemptOutcome.CANCELLED, null,
                        "cancelled: more than " + cap + " attempts running, the oldest is retired", now);
                actions.add(new Cancel(oldest));
            }
        }
        Attempt attempt = new Attempt(attempts.size(), untried.get(want).poll(), now);
        attempts.add(attempt);
        lastStart = now;
        lastFailure = -1;
        return attempt;
    }

    private boolean hasUntried() {
        return !untried.get(Family.IPV4).isEmpty() || !untried.get(Family.IPV6).isEmpty();
    }

    private void end(Attempt a, AttemptOutcome outcome, Throwable error, String text, long now) {
        a.endNanos = now;
        a.outcome = outcome;
        a.error = error;
        a.errorText = text;
    }

    private void abandonResolutions() {
        for (Family f : Family.values()) {
            resolutions.putIfAbsent(f, new ResolutionRecord(f, ResolutionRecord.Outcome.ABANDONED, List.of(), null, null));
        }
    }

    private Fail fail(DialException.Kind kind, long now) {
        done = true;
        List<AttemptRecord> records = records(now);
        String what = switch (kind) {
            case NO_ADDRESSES -> "no addresses (" + resolutionSummary() + ")";
            case ALL_ATTEMPTS_FAILED -> attempts.size() == 1 ? "the only connection attempt failed"
                    : "all " + attempts.size() + " connection attempts failed";
            case DEADLINE_EXCEEDED -> "deadline of " + millis(options.timeout().toNanos()) + " exceeded"
                    + (attempts.isEmpty() ? " while resolving (" + resolutionSummary() + ")"
                    : " after " + attempts.size() + " attempt" + (attempts.size() == 1 ? "" : "s"));
        };
        StringJoiner detail = new StringJoiner("; ", ": ", "");
        detail.setEmptyValue("");
        for (AttemptRecord r : records) {
            detail.add(formatAddress(r.address()) + " " + r.outcome().label() + " after " + r.duration().toMillis() + " ms"
                    + (r.error() == null ? "" : " (" + r.error() + ")"));
        }
        DialException e = new DialException(kind, host, port, Duration.ofNanos(now - origin), records, resolutions,
                formatHostPort(host, port) + ": " + what + detail);
        Throwable first = null;
        for (Attempt a : attempts) {
            if (a.error != null) {
                if (first == null) {
                    first = a.error;
                } else if (first != a.error) {
                    e.addSuppressed(a.error);
                }
            }
        }
        if (first != null) {
            e.initCause(first);
        }
        return new Fail(e);
    }

    private String resolutionSummary() {
        StringJoiner j = new StringJoiner(", ");
        for (Family f : Family.values()) {
            ResolutionRecord r = resolutions.get(f);
            if (r == null) {
                j.add(f.displayName() + ": no answer");
            } else {
                j.add(f.displayName() + ": " + (r.error() != null ? r.error() : r.outcome().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return j.toString();
    }

    static String formatHostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static String formatAddress(InetSocketAddress a) {
        return dev.berth.ip.IpAddresses.toUriString(a.getAddress()) + ":" + a.getPort();
    }

    private static String millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
