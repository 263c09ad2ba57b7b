package dev.berth.dial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.dial.AttemptScheduler.Action;
import dev.berth.dial.AttemptScheduler.Attempt;
import dev.berth.dial.AttemptScheduler.Cancel;
import dev.berth.dial.AttemptScheduler.Fail;
import dev.berth.dial.AttemptScheduler.Start;
import dev.berth.dial.AttemptScheduler.Win;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The RFC 8305 timing rules in virtual time, with exact assertions (cases S1-S12 of the
 * research plan). Time is in milliseconds from the start of the dial.
 */
class AttemptSchedulerTest {

    private static final long MS = 1_000_000;

    /** Drives a scheduler in virtual time and remembers every action with its time. */
    private static final class Race {
        final AttemptScheduler scheduler;
        final List<String> log = new ArrayList<>();
        final List<Attempt> started = new ArrayList<>();
        final List<Attempt> cancelled = new ArrayList<>();
        Attempt won;
        DialException failed;
        long now;

        Race(DialOptions options, Set<Family> resolving) {
            scheduler = new AttemptScheduler("example.test", 443, options, resolving, 0);
        }

        Race(DialOptions options) {
            this(options, options.families());
        }

        void apply(List<Action> actions) {
            for (Action a : actions) {
                switch (a) {
                    case Start s -> {
                        started.add(s.attempt());
                        log.add(s.attempt().address().getAddress().getHostAddress() + "@" + now / MS);
                    }
                    case Cancel c -> cancelled.add(c.attempt());
                    case Win w -> won = w.attempt();
                    case Fail f -> failed = f.error();
                }
            }
        }

        /** Advances virtual time to {@code ms}, firing every timer due on the way. */
        Race at(long ms) {
            long target = ms * MS;
            while (!scheduler.isDone() && scheduler.nextWakeupNanos() <= target) {
                now = Math.max(now, scheduler.nextWakeupNanos());
                apply(scheduler.timer(now));
            }
            now = target;
            return this;
        }

        Race resolved(Family f, String... ips) {
            List<InetAddress> list = new ArrayList<>();
            for (String ip : ips) {
                list.add(InetAddress.ofLiteral(ip));
            }
            apply(scheduler.resolved(f, list, now));
            return this;
        }

        Race fail(int attempt, String message) {
            apply(scheduler.failed(started.get(attempt), new ConnectException(message), now));
            return this;
        }

        Race connect(int attempt) {
            apply(scheduler.connected(started.get(attempt), now));
            return this;
        }

        Attempt attempt(int i) {
            return started.get(i);
        }
    }

    private static final DialOptions DEFAULTS = DialOptions.defaults();

    private static String[] v6(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "2001:db8::" + (i + 1);
        }
        return out;
    }

    private static String[] v4(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "192.0.2." + (i + 1);
        }
        return out;
    }

    // S1 ordering and interleaving ------------------------------------------------------------

    @Test
    void s1_interleavesFamiliesOneByOneStartingWithIpv6() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a", "2001:db8::b").resolved(Family.IPV4, "192.0.2.1", "192.0.2.2");
        r.at(2000);
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@0", "192.0.2.1@250", "2001:db8:0:0:0:0:0:b@500", "192.0.2.2@750");
    }

    @Test
    void s1_firstFamilyCountTwoTriesTwoIpv6First() {
        Race r = new Race(DEFAULTS.withFirstFamilyCount(2)).resolved(Family.IPV6, "2001:db8::a", "2001:db8::b")
                .resolved(Family.IPV4, "192.0.2.1", "192.0.2.2");
        r.at(2000);
        assertThat(r.started).extracting(a -> a.family()).containsExactly(Family.IPV6, Family.IPV6, Family.IPV4, Family.IPV4);
    }

    @Test
    void s1_firstFamilyCountAppliesToTheFirstRunOnly() {
        Race r = new Race(DEFAULTS.withFirstFamilyCount(2).withTimeout(Duration.ofSeconds(30)))
                .resolved(Family.IPV6, v6(6)).resolved(Family.IPV4, v4(6));
        r.at(10_000);
        // RFC 8305 wording (asyncio): v6a v6b v4a v6c v4b v6d v4c v6e v4d v6f v4e v4f
        assertThat(r.started.stream().map(a -> a.address().getAddress().getHostAddress().replace("2001:db8:0:0:0:0:0:", "v6-")
                .replace("192.0.2.", "v4-")).toList())
                .containsExactly("v6-1", "v6-2", "v4-1", "v6-3", "v4-2", "v6-4", "v4-3", "v6-5", "v4-4", "v6-6", "v4-5", "v4-6");
    }

    @Test
    void s1_preferIpv4StartsWithIpv4() {
        Race r = new Race(DEFAULTS.withPreferred(Family.IPV4)).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.at(1000);
        assertThat(r.started).extracting(Attempt::family).containsExactly(Family.IPV4, Family.IPV6);
    }

    @Test
    void s1_ipv4MappedAddressesCountAsIpv4() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "::1").resolved(Family.IPV4, "::ffff:127.0.0.1");
        r.at(1000);
        assertThat(r.started).extracting(Attempt::family).containsExactly(Family.IPV6, Family.IPV4);
        assertThat(r.attempt(1).address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    // S2 the delay floor ------------------------------------------------------------------------

    @Test
    void s2_attemptDelayOutsideTenMillisToTwoSecondsIsRejected() {
        assertThatThrownBy(() -> DEFAULTS.withAttemptDelay(Duration.ofMillis(5)))
                .hasMessage("attempt delay 5ms (expected: 10ms-2000ms, RFC 8305 section 5)");
        assertThatThrownBy(() -> DEFAULTS.withAttemptDelay(Duration.ofMillis(2001))).hasMessageContaining("2001ms");
        assertThat(DEFAULTS.withAttemptDelay(Duration.ofMillis(10)).attemptDelay()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void s2_afterAnImmediateFailureTheNextAttemptWaitsTheTenMillisecondFloor() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.now = MS / 10; // 0.1 ms
        r.fail(0, "Connection refused");
        assertThat(r.started).hasSize(1);
        assertThat(r.scheduler.nextWakeupNanos()).isEqualTo(10 * MS);
        r.at(10);
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@0", "192.0.2.1@10");
    }

    // S3 early start on failure -----------------------------------------------------------------

    @Test
    void s3_aFailureStartsTheNextAttemptAtOnceNotAfterTheDelay() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.at(30).fail(0, "Connection refused");
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@0", "192.0.2.1@30");
    }

    @Test
    void s3_aFailureOfAnyRunningAttemptTriggersTheNextEvenWhileAnOlderOneIsPending() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a", "2001:db8::b").resolved(Family.IPV4, "192.0.2.1");
        r.at(255).fail(1, "Connection refused"); // v4a (started at 250) fails; v6a still pending
        assertThat(r.started).as("not within 10 ms of the previous start").hasSize(2);
        r.at(260);
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@0", "192.0.2.1@250", "2001:db8:0:0:0:0:0:b@260");
        assertThat(r.attempt(0).outcome()).isEqualTo(AttemptOutcome.PENDING);
    }

    // S4 no abort ---------------------------------------------------------------------------------

    @Test
    void s4_startingANewAttemptNeverCancelsARunningOne() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.at(400).connect(0);
        assertThat(r.won).isSameAs(r.attempt(0));
        assertThat(r.cancelled).containsExactly(r.attempt(1));
        assertThat(r.attempt(1).outcome()).isEqualTo(AttemptOutcome.CANCELLED);
        assertThat(r.scheduler.records(r.now).get(1).duration()).isEqualTo(Duration.ofMillis(150));
    }

    // S5 resolution delay -----------------------------------------------------------------------

    @Test
    void s5_aaaaWithinTheResolutionDelayGoesFirst() {
        Race r = new Race(DEFAULTS);
        r.at(10).resolved(Family.IPV4, "192.0.2.1");
        assertThat(r.started).isEmpty();
        r.at(40).resolved(Family.IPV6, "2001:db8::a");
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@40");
    }

    @Test
    void s5_lateAaaaIsTriedNextAfterIpv4StartsAtTheResolutionDelay() {
        Race r = new Race(DEFAULTS);
        r.at(10).resolved(Family.IPV4, "192.0.2.1", "192.0.2.2");
        r.at(100).resolved(Family.IPV6, "2001:db8::a");
        r.at(1000);
        assertThat(r.log).containsExactly("192.0.2.1@60", "2001:db8:0:0:0:0:0:a@310", "192.0.2.2@560");
    }

    @Test
    void s5_aNegativeAaaaEndsTheWaitAtOnce() {
        Race r = new Race(DEFAULTS);
        r.at(10).resolved(Family.IPV4, "192.0.2.1");
        r.at(20).resolved(Family.IPV6);
        assertThat(r.log).containsExactly("192.0.2.1@20");
    }

    @Test
    void s5_aFailedAaaaLookupEndsTheWaitToo() {
        Race r = new Race(DEFAULTS);
        r.at(10).resolved(Family.IPV4, "192.0.2.1");
        r.now = 15 * MS;
        r.apply(r.scheduler.resolutionFailed(Family.IPV6, new java.io.IOException("SERVFAIL"), r.now));
        assertThat(r.log).containsExactly("192.0.2.1@15");
    }

    @Test
    void s5_aaaaFirstStartsImmediatelyWithoutWaitingForA() {
        Race r = new Race(DEFAULTS);
        r.at(5).resolved(Family.IPV6, "2001:db8::a");
        assertThat(r.log).containsExactly("2001:db8:0:0:0:0:0:a@5");
    }

    // S6 late answers ------------------------------------------------------------------------

    @Test
    void s6_answersAfterTheWinnerAreIgnored() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a");
        r.at(3).connect(0);
        r.resolved(Family.IPV4, "192.0.2.1");
        r.at(1000);
        assertThat(r.started).hasSize(1);
        assertThat(r.failed).isNull();
        assertThat(r.scheduler.resolutions().get(Family.IPV4).outcome()).isEqualTo(ResolutionRecord.Outcome.ABANDONED);
    }

    // S7 total failure ------------------------------------------------------------------------

    @Test
    void s7_whenEveryAttemptFailsTheFirstErrorIsTheCauseAndTheRestSuppressed() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a", "2001:db8::b").resolved(Family.IPV4, "192.0.2.1", "192.0.2.2");
        r.fail(0, "refused 0");
        r.at(10).fail(1, "refused 1");
        r.at(20).fail(2, "Network is unreachable");
        r.at(30).fail(3, "refused 3");
        assertThat(r.failed).isNotNull();
        assertThat(r.failed.kind()).isEqualTo(DialException.Kind.ALL_ATTEMPTS_FAILED);
        assertThat(r.failed.getCause()).hasMessage("refused 0");
        assertThat(r.failed.getSuppressed()).extracting(Throwable::getMessage)
                .containsExactly("refused 1", "Network is unreachable", "refused 3");
        assertThat(r.failed.attempts()).extracting(AttemptRecord::start)
                .containsExactly(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30));
        assertThat(r.failed.attempts()).extracting(AttemptRecord::outcome)
                .containsExactly(AttemptOutcome.OTHER, AttemptOutcome.OTHER, AttemptOutcome.UNREACHABLE, AttemptOutcome.OTHER);
        assertThat(r.failed).hasMessageStartingWith("example.test:443: all 4 connection attempts failed: ");
        assertThat(r.now).isEqualTo(30 * MS);
    }

    @Test
    void s7_noAddressesIsItsOwnKind() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6);
        r.apply(r.scheduler.resolutionFailed(Family.IPV4, new UnknownHostException("example.test"), 0));
        assertThat(r.failed.kind()).isEqualTo(DialException.Kind.NO_ADDRESSES);
        assertThat(r.failed).hasMessage("example.test:443: no addresses (IPv4: unknown host, IPv6: no IPv6 address)");
        assertThat(r.failed.attempts()).isEmpty();
    }

    // S8 deadline ------------------------------------------------------------------------------

    @Test
    void s8_theDeadlineFailsAtExactlyTheDeadlineAndTimesOutRunningAttempts() {
        Race r = new Race(DEFAULTS.withTimeout(Duration.ofSeconds(1))).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.at(999);
        assertThat(r.failed).isNull();
        r.at(1000);
        assertThat(r.failed.kind()).isEqualTo(DialException.Kind.DEADLINE_EXCEEDED);
        assertThat(r.failed.elapsed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.failed.attempts()).extracting(AttemptRecord::outcome).containsOnly(AttemptOutcome.TIMEOUT);
        assertThat(r.cancelled).containsExactlyElementsOf(r.started);
        assertThat(r.failed).hasMessageStartingWith("example.test:443: deadline of 1000 ms exceeded after 2 attempts");
    }

    // S9 DNS never answers -------------------------------------------------------------------

    @Test
    void s9_resolutionThatNeverAnswersEndsAtTheDeadline() {
        Race r = new Race(DEFAULTS.withTimeout(Duration.ofMillis(1500)));
        r.at(1499);
        assertThat(r.failed).isNull();
        r.at(1500);
        assertThat(r.failed.kind()).isEqualTo(DialException.Kind.DEADLINE_EXCEEDED);
        assertThat(r.failed).hasMessage(
                "example.test:443: deadline of 1500 ms exceeded while resolving (IPv4: no answer, IPv6: no answer)");
        assertThat(r.failed.resolutions().values()).extracting(ResolutionRecord::outcome)
                .containsOnly(ResolutionRecord.Outcome.TIMED_OUT);
    }

    // S10 attempt budget ------------------------------------------------------------------------

    @Test
    void s10_fiftyBlackHolesWithATwoSecondDeadlineStartEightAttemptsAndNoneAtTheDeadlineInstant() {
        String[] many = new String[50];
        for (int i = 0; i < 50; i++) {
            many[i] = "10.0.0." + (i + 1);
        }
        Race r = new Race(DEFAULTS.withTimeout(Duration.ofSeconds(2)).withFamilies(EnumSet.of(Family.IPV4))).resolved(Family.IPV4, many);
        r.at(5000);
        assertThat(r.log).hasSize(8);
        assertThat(r.log.getLast()).isEqualTo("10.0.0.8@1750");
        assertThat(r.failed.kind()).isEqualTo(DialException.Kind.DEADLINE_EXCEEDED);
        assertThat(r.failed.elapsed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.cancelled).hasSize(8);
    }

    // S11 cap --------------------------------------------------------------------------------

    @Test
    void s11_aboveTheParallelCapTheOldestRunningAttemptIsRetired() {
        Race r = new Race(DEFAULTS.withMaxParallelAttempts(2)).resolved(Family.IPV4, v4(3)).resolved(Family.IPV6);
        r.at(499);
        assertThat(r.cancelled).isEmpty();
        r.at(500);
        assertThat(r.started).hasSize(3);
        assertThat(r.cancelled).containsExactly(r.attempt(0));
        assertThat(r.attempt(1).outcome()).isEqualTo(AttemptOutcome.PENDING);
    }

    // S12 double success ----------------------------------------------------------------------

    @Test
    void s12_twoSuccessesInOneTickGiveExactlyOneWinnerAndCloseTheOther() {
        Race r = new Race(DEFAULTS).resolved(Family.IPV6, "2001:db8::a").resolved(Family.IPV4, "192.0.2.1");
        r.at(300);
        List<Action> first = r.scheduler.connected(r.attempt(1), r.now);
        List<Action> second = r.scheduler.connected(r.attempt(0), r.now);
        assertThat(first).filteredOn(a -> a instanceof Win).singleElement().isEqualTo(new Win(r.attempt(1)));
        assertThat(first).contains(new Cancel(r.attempt(0)));
        assertThat(second).containsExactly(new Cancel(r.attempt(0)));
        assertThat(r.scheduler.winner()).isSameAs(r.attempt(1));
    }

    @Test
    void familiesNotAskedForAreRecordedAsSkipped() {
        Race r = new Race(DEFAULTS.withFamilies(EnumSet.of(Family.IPV4))).resolved(Family.IPV4, "192.0.2.1");
        assertThat(r.log).containsExactly("192.0.2.1@0");
        Map<Family, ResolutionRecord> res = r.scheduler.resolutions();
        assertThat(res.get(Family.IPV6).outcome()).isEqualTo(ResolutionRecord.Outcome.SKIPPED);
    }
}
