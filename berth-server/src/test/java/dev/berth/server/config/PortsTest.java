package dev.berth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void acceptsTheRange() {
        assertThat(Ports.parse("1", false)).isEqualTo(1);
        assertThat(Ports.parse("65535", false)).isEqualTo(65535);
        assertThat(Ports.parse("0", true)).isZero();
    }

    @Test
    void rejectsOutOfRangeAndNonNumbersNamingTheValue() {
        assertThatThrownBy(() -> Ports.parse("99999", false)).hasMessage("99999: expected 1-65535");
        assertThatThrownBy(() -> Ports.parse("0", false)).hasMessage("0: expected 1-65535");
        assertThatThrownBy(() -> Ports.parse("-1", true)).hasMessage("-1: expected 0-65535");
        assertThatThrownBy(() -> Ports.parse("http", true)).hasMessage("http: expected 0-65535");
    }
}
