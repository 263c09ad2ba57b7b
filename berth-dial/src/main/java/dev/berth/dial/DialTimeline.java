package dev.berth.dial;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Records how a dial ended — what each family resolved to and when, each attempt and how it
 * ended, the winner — for printing a timeline. All times share one origin: the start of the
 * dial. One instance per dial.
 */
public final class DialTimeline implements DialListener {

    private List<ResolutionRecord> resolutions = List.of();
    private List<AttemptRecord> attempts = List.of();
    private AttemptRecord winner;
    private DialException failure;
    private Duration elapsed = Duration.ZERO;

    @Override
    public synchronized void dialEnd(AttemptRecord winner, List<AttemptRecord> attempts, Map<Family, ResolutionRecord> resolutions) {
        this.winner = winner;
        this.attempts = List.copyOf(attempts);
        this.resolutions = sorted(resolutions);
        this.elapsed = winner.end();
    }

    @Override
    public synchronized void dialFailed(DialException error) {
        this.failure = error;
        this.attempts = error.attempts();
        this.resolutions = sorted(error.resolutions());
        this.elapsed = error.elapsed();
    }

    /** Answers in the order they came (unanswered and skipped families last). */
    private static List<ResolutionRecord> sorted(Map<Family, ResolutionRecord> byFamily) {
        return byFamily.values().stream()
                .sorted(Comparator.comparing(ResolutionRecord::elapsed, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(ResolutionRecord::family))
                .toList();
    }

    /** What each family resolved to, in answer order. */
    public synchronized List<ResolutionRecord> resolutions() {
        return resolutions;
    }

    /** Every attempt in start order (complete once the dial ended). */
    public synchronized List<AttemptRecord> attempts() {
        return attempts;
    }

    /** The winning attempt, or {@code null}. */
    public synchronized AttemptRecord winner() {
        return winner;
    }

    /** The failure, or {@code null}. */
    public synchronized DialException failure() {
        return failure;
    }

    /** From the start of the dial to its end. */
    public synchronized Duration elapsed() {
        return elapsed;
    }
}
