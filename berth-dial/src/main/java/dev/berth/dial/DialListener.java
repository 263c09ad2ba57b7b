package dev.berth.dial;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

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

    default void dialEnd(AttemptRecord winner, List<AttemptRecord> attempts) {}

    default void dialFailed(DialException error) {}

    /** Observes nothing. */
    DialListener NONE = new DialListener() {};
}
