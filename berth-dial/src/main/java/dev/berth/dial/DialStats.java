package dev.berth.dial;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters per family, ready to export as metrics, so a broken family is visible even when
 * Happy Eyeballs hides it from users (RFC 8305 §9.3): attempts started, attempts failed by
 * outcome, wins, and wins by the non-preferred family ({@code fallback_won}).
 */
public final class DialStats implements DialListener {

    private final Family preferred;
    private final Map<Family, LongAdder> started = new EnumMap<>(Family.class);
    private final Map<Family, LongAdder> won = new EnumMap<>(Family.class);
    private final Map<Family, LongAdder> fallbackWon = new EnumMap<>(Family.class);
    private final Map<Family, Map<AttemptOutcome, LongAdder>> failed = new EnumMap<>(Family.class);
    private final LongAdder dialsFailed = new LongAdder();

    public DialStats(Family preferred) {
        this.preferred = preferred;
        for (Family f : Family.values()) {
            started.put(f, new LongAdder());
            won.put(f, new LongAdder());
            fallbackWon.put(f, new LongAdder());
            Map<AttemptOutcome, LongAdder> byOutcome = new EnumMap<>(AttemptOutcome.class);
            for (AttemptOutcome o : AttemptOutcome.values()) {
                byOutcome.put(o, new LongAdder());
            }
            failed.put(f, byOutcome);
        }
    }

    @Override
    public void attemptStart(java.net.InetSocketAddress address, Family family) {
        started.get(family).increment();
    }

    @Override
    public void attemptFailed(AttemptRecord attempt) {
        failed.get(attempt.family()).get(attempt.outcome()).increment();
    }

    @Override
    public void attemptConnected(AttemptRecord attempt, boolean isWinner) {
        if (isWinner) {
            won.get(attempt.family()).increment();
            if (attempt.family() != preferred) {
                fallbackWon.get(attempt.family()).increment();
            }
        }
    }

    @Override
    public void dialFailed(DialException error) {
        dialsFailed.increment();
    }

    public long attemptsStarted(Family f) {
        return started.get(f).sum();
    }

    public long attemptsFailed(Family f, AttemptOutcome outcome) {
        return failed.get(f).get(outcome).sum();
    }

    public long won(Family f) {
        return won.get(f).sum();
    }

    /** Wins by {@code f} when it was not the preferred family: the preferred one failed or was slow. */
    public long fallbackWon(Family f) {
        return fallbackWon.get(f).sum();
    }

    public long dialsFailed() {
        return dialsFailed.sum();
    }
}
