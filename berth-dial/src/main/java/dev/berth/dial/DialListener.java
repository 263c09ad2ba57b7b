package dev.berth.dial;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * Observes dials: resolution per family, each attempt, the winner. Paired start / end / failed
 * callbacks, like OkHttp's {@code EventListener}.
 *
 * <p>Contract: called on the dial's thread (a Netty event loop, or the thread calling the
 * blocking dialer); implementations must be fast, must not block and must not throw.
 */
public interface DialListener {

    default void dialStart(String host, int port) {}

    default void resolutionStart(String host, Family family) {}

    default void resolutionEnd(String host, Family family, List<InetAddress> addresses) {}

    default void resolutionFailed(String host, Family family, Throwable error) {}

    default void attemptStart(InetSocketAddress address, Family family) {}

    /** An attempt connected; {@code won} is false for a late success that was closed because another won first. */
    default void attemptConnected(AttemptRecord attempt, boolean won) {}

    default void attemptFailed(AttemptRecord attempt) {}

    /** An attempt was closed without an outcome of its own (another won, or the deadline passed). */
    default void attemptCancelled(AttemptRecord attempt) {}

    /** The dial connected; {@code attempts} in start order, {@code resolutions} per family asked. */
    default void dialEnd(AttemptRecord winner, List<AttemptRecord> attempts, Map<Family, ResolutionRecord> resolutions) {}

    default void dialFailed(DialException error) {}

    /** Observes nothing. */
    DialListener NONE = new DialListener() {};

    /** Calls each of {@code listeners} in order. */
    static DialListener of(DialListener... listeners) {
        List<DialListener> all = List.of(listeners);
        return new DialListener() {
            @Override
            public void dialStart(String host, int port) {
                all.forEach(l -> l.dialStart(host, port));
            }

            @Override
            public void resolutionStart(String host, Family family) {
                all.forEach(l -> l.resolutionStart(host, family));
            }

            @Override
            public void resolutionEnd(String host, Family family, List<InetAddress> addresses) {
                all.forEach(l -> l.resolutionEnd(host, family, addresses));
            }

            @Override
            public void resolutionFailed(String host, Family family, Throwable error) {
                all.forEach(l -> l.resolutionFailed(host, family, error));
            }

            @Override
            public void attemptStart(InetSocketAddress address, Family family) {
                all.forEach(l -> l.attemptStart(address, family));
            }

            @Override
            public void attemptConnected(AttemptRecord attempt, boolean won) {
                all.forEach(l -> l.attemptConnected(attempt, won));
            }

            @Override
            public void attemptFailed(AttemptRecord attempt) {
                all.forEach(l -> l.attemptFailed(attempt));
            }

            @Override
            public void attemptCancelled(AttemptRecord attempt) {
                all.forEach(l -> l.attemptCancelled(attempt));
            }

            @Override
            public void dialEnd(AttemptRecord winner, List<AttemptRecord> attempts, Map<Family, ResolutionRecord> resolutions) {
                all.forEach(l -> l.dialEnd(winner, attempts, resolutions));
            }

            @Override
            public void dialFailed(DialException error) {
                all.forEach(l -> l.dialFailed(error));
            }
        };
    }
}
