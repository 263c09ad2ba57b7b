package dev.berth.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Outlier ejection with a manual clock: time is a number the test moves, never a sleep. */
class OutlierDetectorTest {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private long now = 1_000 * S; // any origin: only differences count

    private static List<OutlierState> members(int n) {
        List<OutlierState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new OutlierState());
        }
        return out;
    }

    private static OutlierDetector envoyDefaults(int maxEjectionPercent) {
        return new OutlierDetector(5, Duration.ofSeconds(30), Duration.ofSeconds(300), maxEjectionPercent);
    }

    /** Fails {@code s} {@code n} times at the current time; true when the last failure ejected it. */
    private boolean fail(OutlierDetector d, OutlierState s, List<OutlierState> members, int n) {
        boolean ejected = false;
        for (int i = 0; i < n; i++) {
            ejected = d.failure(s, members, now);
        }
        return ejected;
    }

    private List<OutlierState> sweep(OutlierDetector d, List<OutlierState> members) {
        List<OutlierState> returned = new ArrayList<>();
        d.sweep(members, now, returned::add);
        return returned;
    }

    @Test
    void theFifthFailureInARowEjectsForTheBaseTime() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        assertThat(fail(d, a, m, 4)).isFalse();
        assertThat(a.consecutiveFailures()).isEqualTo(4);
        assertThat(d.failure(a, m, now)).isTrue();
        assertThat(a.ejected()).isTrue();
        assertThat(a.timesEjected()).isEqualTo(1);
        assertThat(a.ejectionRemainingNanos(now)).isEqualTo(30 * S);

        now += 30 * S - 1;
        assertThat(sweep(d, m)).isEmpty();
        assertThat(d.sweep(m, now, x -> {})).as("next run").isEqualTo(1);
        now += 1;
        assertThat(sweep(d, m)).containsExactly(a);
        assertThat(a.ejected()).isFalse();
        assertThat(a.consecutiveFailures()).isZero();
    }

    @Test
    void eachEjectionLastsLongerUpToTheCap() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        long[] expectedSeconds = {30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300};
        for (long seconds : expectedSeconds) {
            assertThat(fail(d, a, m, 5)).isTrue();
            assertThat(a.ejectionRemainingNanos(now)).as("ejection %d", a.timesEjected()).isEqualTo(seconds * S);
            now += seconds * S;
            assertThat(sweep(d, m)).containsExactly(a);
            // Fails again at once: no time in rotation, so nothing is forgotten.
        }
        assertThat(a.timesEjected()).isEqualTo(expectedSeconds.length);
    }

    @ParameterizedTest(name = "base {0}s, max {1}s: ejection {2} lasts {3}s")
    @CsvSource({
            "30, 300, 1, 30",
            "30, 300, 2, 60",
            "30, 300, 10, 300",
            "30, 300, 11, 300",
            "30, 300, 2000000000, 300", // no overflow
            "600, 300, 1, 600",         // a base above the cap is the cap
            "600, 300, 3, 600",
            "1, 5, 4, 4",
    })
    void ejectionTimes(long base, long max, int n, long seconds) {
        OutlierDetector d = new OutlierDetector(5, Duration.ofSeconds(base), Duration.ofSeconds(max), 10);
        assertThat(d.ejectionNanos(n)).isEqualTo(seconds * S);
    }

    @Test
    void aSuccessStartsTheCountOver() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        assertThat(fail(d, a, m, 4)).isFalse();
        d.success(a);
        assertThat(a.consecutiveFailures()).isZero();
        assertThat(fail(d, a, m, 4)).isFalse();
        assertThat(d.failure(a, m, now)).isTrue();
    }

    @Test
    void timeBackInRotationForgetsOneEjectionPerBaseTime() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        fail(d, a, m, 5);
        now += 30 * S;
        sweep(d, m);
        fail(d, a, m, 5); // back-to-back: the second ejection is twice as long
        assertThat(a.ejectionRemainingNanos(now)).isEqualTo(60 * S);
        now += 60 * S;
        sweep(d, m);

        now += 65 * S; // two whole base times in rotation: two ejections forgotten
        assertThat(fail(d, a, m, 5)).isTrue();
        assertThat(a.timesEjected()).isEqualTo(1);
        assertThat(a.ejectionRemainingNanos(now)).isEqualTo(30 * S);

        now += 30 * S;
        sweep(d, m);
        now += 29 * S; // less than one base time: nothing forgotten
        fail(d, a, m, 5);
        assertThat(a.timesEjected()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} endpoints at {1}% -> {2} ejectable")
    @CsvSource({
            "1, 10, 1",   // at least one is always ejectable
            "2, 10, 1",
            "9, 10, 1",
            "10, 10, 1",
            "19, 10, 1",
            "20, 10, 2",
            "100, 10, 10",
            "3, 50, 1",
            "4, 50, 2",
            "5, 100, 5",
    })
    void maxEjectable(int members, int percent, int ejectable) {
        assertThat(OutlierDetector.maxEjectable(members, percent)).isEqualTo(ejectable);
    }

    @Test
    void noMoreThanMaxEjectionPercentAreEjectedAtOnce() {
        OutlierDetector d = envoyDefaults(10);
        List<OutlierState> m = members(10);
        OutlierState a = m.get(0);
        OutlierState b = m.get(1);
        assertThat(fail(d, a, m, 5)).isTrue();
        assertThat(fail(d, b, m, 5)).as("10% of 10 is one, and a is out").isFalse();
        assertThat(b.ejected()).isFalse();
        assertThat(b.consecutiveFailures()).as("b keeps counting").isEqualTo(5);

        now += 30 * S;
        assertThat(sweep(d, m)).containsExactly(a);
        assertThat(d.failure(b, m, now)).as("with a back, b's next failure ejects it").isTrue();
    }

    @Test
    void theOnlyEndpointOfAClusterCanBeEjected() {
        OutlierDetector d = envoyDefaults(10);
        List<OutlierState> m = members(1);
        assertThat(fail(d, m.getFirst(), m, 5)).isTrue();
    }

    @Test
    void aPassingActiveCheckReturnsAnEjectedEndpointAtOnce() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(2);
        OutlierState a = m.getFirst();
        fail(d, a, m, 5);
        now += S;
        assertThat(d.activeCheckPassed(a, now)).isTrue();
        assertThat(a.ejected()).isFalse();
        assertThat(a.ejectionRemainingNanos(now)).isZero();
        assertThat(d.activeCheckPassed(a, now)).as("not ejected any more").isFalse();
        now += 30 * S;
        assertThat(d.sweep(m, now, x -> {})).as("nothing left to return").isEqualTo(-1);
    }

    @Test
    void aPassingActiveCheckLeavesTheCountOfAnEndpointInRotation() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        fail(d, a, m, 4);
        assertThat(d.activeCheckPassed(a, now)).isFalse();
        assertThat(d.failure(a, m, now)).as("the checker's connections are not the ones that failed").isTrue();
    }

    @Test
    void sweepSaysWhenToRunNext() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(3);
        OutlierState a = m.get(0);
        OutlierState b = m.get(1);
        long start = now;
        fail(d, a, m, 5);          // out until start + 30s
        now = start + 10 * S;
        fail(d, b, m, 5);          // out until start + 40s
        now = start + 5 * S;
        assertThat(d.sweep(m, now, x -> {})).isEqualTo(25 * S);
        now = start + 30 * S;
        assertThat(sweep(d, m)).containsExactly(a);
        assertThat(d.sweep(m, now, x -> {})).isEqualTo(10 * S);
        now = start + 40 * S;
        assertThat(sweep(d, m)).containsExactly(b);
        assertThat(d.sweep(m, now, x -> {})).isEqualTo(-1);
    }

    @Test
    void failuresOfAnEjectedEndpointDoNotExtendItsEjection() {
        OutlierDetector d = envoyDefaults(100);
        List<OutlierState> m = members(1);
        OutlierState a = m.getFirst();
        fail(d, a, m, 5);
        assertThat(fail(d, a, m, 10)).isFalse();
        assertThat(a.timesEjected()).isEqualTo(1);
        assertThat(a.ejectionRemainingNanos(now)).isEqualTo(30 * S);
    }
}
