package dev.berth.dial;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A dial failed. Names the host and port, says which of three things happened ({@link Kind}),
 * and carries one record per attempt and per resolved family. The first attempt's error is
 * the cause; the other attempts' errors are suppressed (OkHttp's convention), so nothing is
 * lost when a whole family is broken (RFC 8305 §9.3).
 */
public final class DialException extends IOException {

    /** The three ways a dial can fail; they are distinct on purpose. */
    public enum Kind {
        /** Resolution gave no address of any requested family. */
        NO_ADDRESSES,
        /** Every address was tried and every attempt failed before the deadline. */
        ALL_ATTEMPTS_FAILED,
        /** The overall deadline passed first (during resolution or with attempts still running). */
        DEADLINE_EXCEEDED
    }

    private final Kind kind;
    private final String host;
    private final int port;
    private final Duration elapsed;
    private final List<AttemptRecord> attempts;
    private final Map<Family, ResolutionRecord> resolutions;

    DialException(Kind kind, String host, int port, Duration elapsed, List<AttemptRecord> attempts,
                  Map<Family, ResolutionRecord> resolutions, String message) {
        super(message);
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.elapsed = elapsed;
        this.attempts = List.copyOf(attempts);
        this.resolutions = Map.copyOf(resolutions);
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** From the start of the dial to the failure. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Every attempt, in start order. */
    public List<AttemptRecord> attempts() {
        return attempts;
    }

    /** What resolution gave, per family asked. */
    public Map<Family, ResolutionRecord> resolutions() {
        return resolutions;
    }
}
