package dev.berth.dial;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One connection attempt of a race, as it ended.
 *
 * @param address  the IP and port tried
 * @param family   its family (IPv4-mapped counts as IPv4)
 * @param start    when it started, from the start of the dial
 * @param duration how long it ran until its outcome
 * @param outcome  how it ended
 * @param error    the OS error or reason in words; {@code null} when connected
 */
public record AttemptRecord(
        InetSocketAddress address, Family family, Duration start, Duration duration, AttemptOutcome outcome, String error) {

    /** When it ended, from the start of the dial. */
    public Duration end() {
        return start.plus(duration);
    }
}
