package dev.berth.dial;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a dial as it happens — what each family resolved to and when, each attempt and how
 * it ended, the winner — for printing a timeline. One instance per dial.
 */
public final class DialTimeline implements DialListener {

    /** One family's answer, with when it came. */
    public record Resolution(Family family, Duration at, List<InetAddress> addresses, String error) {}

    private long startNanos;
    private final List<Resolution> resolutions = new ArrayList<>();
    private List<AttemptRecord> attempts = List.of();
    private AttemptRecord winner;
    private DialException failure;
    private Duration elapsed = Duration.ZERO;

    @Override
    public synchronized void dialStart(String host, int port) {
        startNanos = System.nanoTime();
    }

    @Override
    public synchronized void resolutionEnd(String host, Family family, List<InetAddress> addresses) {
        resolutions.add(new Resolution(family, since(), List.copyOf(addresses), addresses.isEmpty() ? "no address" : null));
    }

    @Override
    public synchronized void resolutionFailed(String host, Family family, Throwable error) {
        String text = error instanceof java.net.UnknownHostException ? "unknown host" : String.valueOf(error.getMessage());
        resolutions.add(new Resolution(family, since(), List.of(), text));
    }

    @Override
    public synchronized void dialEnd(AttemptRecord winner, List<AttemptRecord> attempts) {
        this.winner = winner;
        this.attempts = List.copyOf(attempts);
        this.elapsed = since();
    }

    @Override
    public synchronized void dialFailed(DialException error) {
        this.failure = error;
        this.attempts = error.attempts();
        this.elapsed = error.elapsed();
    }

    private Duration since() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public synchronized List<Resolution> resolutions() {
        return List.copyOf(resolutions);
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
