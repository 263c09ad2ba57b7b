package dev.berth.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rise/fall state machine as a table (caddy-l4's {@code risefall_test.go}): results in,
 * one transition per result out. {@code +} is a passed check, {@code -} a failed one;
 * {@code U} unchanged, {@code P} pending, {@code C} changed.
 */
class RiseFallTest {

    static Stream<Arguments> table() {
        return Stream.of(
                // what, healthy threshold, unhealthy threshold, start healthy, results, transitions, healthy at the end
                row("a new endpoint's first pass keeps it healthy", 2, 3, true, "+", "U", true),
                row("a new endpoint's first failure takes it out at once", 2, 3, true, "-", "C", false),
                row("a waiting new endpoint's first pass brings it in at once", 2, 3, false, "+", "C", true),
                row("a waiting new endpoint's first failure changes nothing", 2, 3, false, "-", "U", false),
                row("falls after unhealthy_threshold failures in a row", 2, 3, true, "+---", "UPPC", false),
                row("a pass between failures starts the fall over", 2, 3, true, "+--+--", "UPPUPP", true),
                row("rises after healthy_threshold passes in a row", 2, 3, true, "-++", "CPC", true),
                row("a failure between passes starts the rise over", 2, 3, true, "-+-++", "CPUPC", true),
                row("steady healthy stays unchanged", 2, 3, true, "+++++", "UUUUU", true),
                row("steady unhealthy stays unchanged", 2, 3, true, "-----", "CUUUU", false),
                row("a full cycle", 2, 3, true, "+---++", "UPPCPC", true),
                row("thresholds of one follow every result", 1, 1, true, "+-+-", "UCCC", false),
                row("a high rise threshold", 5, 1, true, "+-++++++", "UCPPPPCU", true));
    }

    private static Arguments row(String what, int rise, int fall, boolean startHealthy, String results, String transitions,
                                 boolean healthyAtEnd) {
        return Arguments.of(what, rise, fall, startHealthy, results, transitions, healthyAtEnd);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void transitions(String what, int rise, int fall, boolean startHealthy, String results, String transitions, boolean healthyAtEnd) {
        RiseFall rf = new RiseFall(rise, fall, startHealthy);
        assertThat(rf.known()).isFalse();
        assertThat(rf.healthy()).isEqualTo(startHealthy);
        StringBuilder seen = new StringBuilder();
        for (char c : results.toCharArray()) {
            seen.append(rf.record(c == '+').name().charAt(0));
        }
        assertThat(seen.toString()).as(what).isEqualTo(transitions);
        assertThat(rf.healthy()).as(what).isEqualTo(healthyAtEnd);
        assertThat(rf.known()).isTrue();
    }

    @Test
    void theStreakCountsResultsTowardsAChange() {
        RiseFall rf = new RiseFall(2, 3, true);
        rf.record(true);
        rf.record(false);
        rf.record(false);
        assertThat(rf.streak()).isEqualTo(2);
        rf.record(true);
        assertThat(rf.streak()).isZero();
    }

    @Test
    void thresholdsBelowOneAreRejected() {
        assertThatThrownBy(() -> new RiseFall(0, 3, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RiseFall(2, 0, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
