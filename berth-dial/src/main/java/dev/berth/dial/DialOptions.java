package dev.berth.dial;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a dial races its attempts. Defaults follow RFC 8305 §8; every value is checked when the
 * options are built, so a bad one fails before any socket is opened.
 *
 * @param attemptDelay      Connection Attempt Delay: start the next attempt this long after the
 *                          previous one started (unless a running attempt fails first). 10 ms–2 s; default 250 ms.
 * @param resolutionDelay   Resolution Delay: when the other family answers first, wait this long
 *                          for the preferred family. 0–2 s; default 50 ms.
 * @param preferred         the family tried first; default IPv6
 * @param firstFamilyCount  First Address Family Count: how many addresses of the first family
 *                          are tried before alternating; applies to the first run only (RFC wording). Default 1.
 * @param families          which families to resolve and try; default both
 * @param timeout           overall deadline, covering resolution and every attempt; default 10 s
 * @param maxParallelAttempts attempts allowed to run at once; when a new one starts above it the
 *                          oldest running attempt is cancelled (curl's rule). 0 = unlimited (default).
 */
public record DialOptions(
        Duration attemptDelay,
        Duration resolutionDelay,
        Family preferred,
        int firstFamilyCount,
        Set<Family> families,
        Duration timeout,
        int maxParallelAttempts) {

    /** RFC 8305 §5: a new attempt MUST NOT start within 10 ms of the previous one, even after a failure. */
    public static final Duration MIN_ATTEMPT_GAP = Duration.ofMillis(10);

    public static final Duration MIN_ATTEMPT_DELAY = Duration.ofMillis(10);
    public static final Duration MAX_ATTEMPT_DELAY = Duration.ofSeconds(2);

    public DialOptions {
        if (attemptDelay.compareTo(MIN_ATTEMPT_DELAY) < 0 || attemptDelay.compareTo(MAX_ATTEMPT_DELAY) > 0) {
            throw new IllegalArgumentException(
                    "attempt delay " + attemptDelay.toMillis() + "ms (expected: 10ms-2000ms, RFC 8305 section 5)");
        }
        if (resolutionDelay.isNegative() || resolutionDelay.compareTo(Duration.ofSeconds(2)) > 0) {
            throw new IllegalArgumentException("resolution delay " + resolutionDelay.toMillis() + "ms (expected: 0ms-2000ms)");
        }
        if (firstFamilyCount < 1) {
            throw new IllegalArgumentException("first address family count " + firstFamilyCount + " (expected: >= 1)");
        }
        if (families.isEmpty()) {
            throw new IllegalArgumentException("families: none (expected: ipv4, ipv6 or both)");
        }
        families = Set.copyOf(EnumSet.copyOf(families));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout.toMillis() + "ms (expected: > 0)");
        }
        if (maxParallelAttempts < 0) {
            throw new IllegalArgumentException("max parallel attempts " + maxParallelAttempts + " (expected: >= 0)");
        }
    }

    /** RFC 8305's recommended values, IPv6 first, both families, a 10 s deadline. */
    public static DialOptions defaults() {
        return new DialOptions(Duration.ofMillis(250), Duration.ofMillis(50), Family.IPV6, 1,
                EnumSet.allOf(Family.class), Duration.ofSeconds(10), 0);
    }

    public DialOptions withAttemptDelay(Duration d) {
        return new DialOptions(d, resolutionDelay, preferred, firstFamilyCount, families, timeout, maxParallelAttempts);
    }

    public DialOptions withResolutionDelay(Duration d) {
        return new DialOptions(attemptDelay, d, preferred, firstFamilyCount, families, timeout, maxParallelAttempts);
    }

    public DialOptions withPreferred(Family f) {
        return new DialOptions(attemptDelay, resolutionDelay, f, firstFamilyCount, families, timeout, maxParallelAttempts);
    }

    public DialOptions withFirstFamilyCount(int n) {
        return new DialOptions(attemptDelay, resolutionDelay, preferred, n, families, timeout, maxParallelAttempts);
    }

    public DialOptions withFamilies(Set<Family> f) {
        return new DialOptions(attemptDelay, resolutionDelay, preferred, firstFamilyCount, f, timeout, maxParallelAttempts);
    }

    public DialOptions withTimeout(Duration d) {
        return new DialOptions(attemptDelay, resolutionDelay, preferred, firstFamilyCount, families, d, maxParallelAttempts);
    }

    public DialOptions withMaxParallelAttempts(int n) {
        return new DialOptions(attemptDelay, resolutionDelay, preferred, firstFamilyCount, families, timeout, n);
    }
}
