package dev.berth.sockdiag;

import java.util.Locale;

/** How urgent a finding of {@code diag sockets} is; thresholds are given with each check. */
public enum Level {
    /** Failing now or about to: connections are or will be refused. */
    CRITICAL,
    /** Heading for trouble, or a setting that works against this host's traffic. */
    WARNING,
    /** Worth knowing; nothing to do unless it matches a symptom. */
    INFO;

    /** {@code critical}, {@code warning}, {@code info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level for a share of a limit: {@link #CRITICAL} from 90 %, {@link #WARNING} from 70 %. */
    public static Level ofPercent(double percent) {
        return percent >= 90 ? CRITICAL : percent >= 70 ? WARNING : INFO;
    }

    /** True when this level is at least as urgent as {@code other}. */
    public boolean atLeast(Level other) {
        return ordinal() <= other.ordinal();
    }
}
