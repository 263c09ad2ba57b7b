package dev.berth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "-1s", "1.5s", "s", "5 s", "1d", "9999999999999s"})
    void rejectsWithTheValueAndTheExpectedForm(String bad) {
        assertThatThrownBy(() -> Durations.parse(bad))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith(bad + ": not a duration")
                .hasMessageContaining("250ms, 5s, 1m, 1h");
    }

    @Test
    void formatThenParseIsIdentity() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Duration d = Duration.ofMillis(random.nextLong(0, 10L * 24 * 3600 * 1000));
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
