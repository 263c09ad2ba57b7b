package dev.berth.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PanicModeTest {

    @ParameterizedTest(name = "{0} of {1} healthy, threshold {2}% -> panic {3}")
    @CsvSource({
            "0, 0, 50, false",   // nothing to fall back to
            "0, 1, 50, true",
            "1, 1, 50, false",
            "1, 2, 50, false",   // exactly the threshold is not below it
            "1, 3, 50, true",
            "2, 3, 50, false",
            "49, 100, 50, true",
            "50, 100, 50, false",
            "0, 5, 0, false",    // 0 turns panic mode off
            "4, 5, 100, true",
            "5, 5, 100, false",
            "1, 10, 10, false",
            "0, 10, 10, true",
    })
    void panicsBelowTheThreshold(int healthy, int total, int threshold, boolean panic) {
        assertThat(PanicMode.active(healthy, total, threshold)).isEqualTo(panic);
    }

    @Test
    void impossibleCountsAreRejected() {
        assertThatThrownBy(() -> PanicMode.active(3, 2, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PanicMode.active(1, 2, 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
