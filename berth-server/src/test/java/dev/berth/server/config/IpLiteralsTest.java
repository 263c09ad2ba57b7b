package dev.berth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

    @Test
    void parsesBothFamiliesAndBrackets() {
        assertThat(IpLiterals.parse("127.0.0.1")).isInstanceOf(Inet4Address.class);
        assertThat(IpLiterals.parse("0.0.0.0").isAnyLocalAddress()).isTrue();
        assertThat(IpLiterals.parse("::1")).isInstanceOf(Inet6Address.class);
        assertThat(IpLiterals.parse("[::1]").isLoopbackAddress()).isTrue();
        assertThat(IpLiterals.parse("::").isAnyLocalAddress()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "10.1", "1", "256.0.0.1", "1.2.3.4.5", "::g", "[::1", ""})
    void rejectsNamesAndLegacyFormsWithoutResolving(String bad) {
        assertThatThrownBy(() -> IpLiterals.parse(bad))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith(bad + ": not an IP address");
    }
}
