package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.proxy.portpressure.PressureAlarm.Action;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the port-pressure warning is logged, as a table of (time, ratio) → action. */
class PressureAlarmTest {

    private static final long S = 1_000_000_000L;

    private record Step(long at, double ratio, Action expected) {}

    private static void run(PressureAlarm alarm, String key, Step... steps) {
        for (Step s : steps) {
            assertThat(alarm.observe(key, s.ratio(), s.at())).as("%s at %d s", s.ratio(), s.at() / S).isEqualTo(s.expected());
        }
    }

    @Test
    void warnsOnCrossingRepeatsAfterTheIntervalAndClearsOnce() {
        run(new PressureAlarm(0.7, 60 * S), "a",
                new Step(0, 0.5, Action.NONE),
                new Step(5 * S, 0.69, Action.NONE),
                new Step(10 * S, 0.7, Action.WARN),
                new Step(15 * S, 0.95, Action.NONE),
                new Step(69 * S, 1.0, Action.NONE),
                new Step(70 * S, 1.0, Action.WARN),
                new Step(75 * S, 0.3, Action.CLEAR),
                new Step(80 * S, 0.2, Action.NONE),
                new Step(85 * S, 0.8, Action.NONE),
                new Step(130 * S, 0.8, Action.WARN));
    }

    @Test
    void flappingAtTheThresholdWarnsOncePerInterval() {
        run(new PressureAlarm(0.7, 60 * S), "a",
                new Step(0, 0.7, Action.WARN),
                new Step(5 * S, 0.6, Action.CLEAR),
                new Step(10 * S, 0.7, Action.NONE),
                new Step(15 * S, 0.6, Action.NONE),
                new Step(60 * S, 0.75, Action.WARN),
                new Step(65 * S, 0.6, Action.CLEAR));
    }

    @Test
    void endpointsAreIndependentAndForgottenWhenGone() {
        PressureAlarm alarm = new PressureAlarm(0.7, 60 * S);
        assertThat(alarm.observe("a", 0.9, 0)).isEqualTo(Action.WARN);
        assertThat(alarm.observe("b", 0.9, 0)).isEqualTo(Action.WARN);
        alarm.retainOnly(Set.of("b"));
        assertThat(alarm.observe("a", 0.1, S)).as("a was forgotten: no all-clear").isEqualTo(Action.NONE);
        assertThat(alarm.observe("b", 0.1, S)).isEqualTo(Action.CLEAR);
    }
}
