package dev.berth.dial;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DialStatsTest {

    private static AttemptRecord record(String ip, AttemptOutcome outcome) {
        InetAddress a = InetAddress.ofLiteral(ip);
        return new AttemptRecord(new InetSocketAddress(a, 443), Family.of(a), Duration.ZERO, Duration.ofMillis(1), outcome, null);
    }

    @Test
    void countsPerFamilySoABrokenFamilyIsVisible() {
        DialStats stats = new DialStats(Family.IPV6);
        DialListener listener = DialListener.of(DialListener.NONE, stats);
        listener.attemptStart(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 443), Family.IPV6);
        listener.attemptFailed(record("2001:db8::1", AttemptOutcome.UNREACHABLE));
        listener.attemptStart(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 443), Family.IPV4);
        AttemptRecord won = record("192.0.2.1", AttemptOutcome.CONNECTED);
        listener.attemptConnected(won, true);
        listener.attemptConnected(record("192.0.2.2", AttemptOutcome.CONNECTED), false);
        listener.dialEnd(won, List.of(won), Map.of());

        assertThat(stats.attemptsStarted(Family.IPV6)).isEqualTo(1);
        assertThat(stats.attemptsStarted(Family.IPV4)).isEqualTo(1);
        assertThat(stats.attemptsFailed(Family.IPV6, AttemptOutcome.UNREACHABLE)).isEqualTo(1);
        assertThat(stats.won(Family.IPV4)).isEqualTo(1);
        assertThat(stats.fallbackWon(Family.IPV4)).as("IPv4 won although IPv6 is preferred").isEqualTo(1);
        assertThat(stats.won(Family.IPV6)).isZero();
        assertThat(stats.dialsFailed()).isZero();
    }
}
