package dev.berth.dial;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * What resolving one family of a host name gave.
 *
 * @param family    the family asked for
 * @param outcome   how it ended
 * @param addresses the addresses of that family, in the resolver's order (empty unless positive)
 * @param elapsed   from the start of the dial until the answer; {@code null} when it never came
 * @param error     the resolver's error in words, or {@code null}
 */
public record ResolutionRecord(
        Family family, Outcome outcome, List<InetAddress> addresses, Duration elapsed, String error) {

    /** How resolution of one family ended. */
    public enum Outcome {
        /** At least one address. */
        POSITIVE,
        /** The name exists but has no address of this family (or does not exist). */
        NEGATIVE,
        /** The resolver failed. */
        ERROR,
        /** No answer before the deadline. */
        TIMED_OUT,
        /** Not asked: the family was excluded, or the host was an IP literal of the other family. */
        SKIPPED,
        /** Still waiting when the dial ended for another reason (a winner was found first). */
        ABANDONED
    }

    public ResolutionRecord {
        addresses = List.copyOf(addresses);
    }
}
