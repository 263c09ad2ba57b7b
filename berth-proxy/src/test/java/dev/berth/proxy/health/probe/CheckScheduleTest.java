package dev.berth.proxy.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the next check runs, in milliseconds for readability (the code works in nanos). */
class CheckScheduleTest {

    @ParameterizedTest(name = "started {0}, now {1}, interval {2}, jitter {3} -> next in {4}")
    @CsvSource({
            "0, 30, 100, 0, 70",      // a quick check: the cadence is interval from its start
            "0, 100, 100, 0, 0",
            "0, 150, 100, 0, 0",      // a check that overran: the next one at once, never overlapping
            "0, 30, 100, 20, 90",     // jitter only adds
            "1000, 1001, 5000, 0, 4999",
    })
    void nextCheck(long startedAt, long now, long interval, long jitter, long expected) {
        assertThat(CheckSchedule.nextDelayNanos(startedAt, now, interval, jitter)).isEqualTo(expected);
    }
}
