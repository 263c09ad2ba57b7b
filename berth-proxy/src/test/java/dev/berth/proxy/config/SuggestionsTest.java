package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

    private static final List<String> FIELDS = Raw.fieldNames(Raw.Listener.class);

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
        "idle_timout, idle_timeout",
        "idleTimeout, idle_timeout",
        "idle-timeout, idle_timeout",
        "IDLE_TIMEOUT, idle_timeout",
        "tcp_nodelay, tcp_no_delay",
        "adress, address",
        "acces_log, access_log",
        "nmae, name",
        "port, -",
        "x, -",
        "retries, -",
        "polcy, policy",
        "proxy_protcol, proxy_protocol",
        "trusted_source, trusted_sources",
    })
    void suggestsTheClosestField(String typo, String expected) {
        assertThat(Suggestions.closest(typo, FIELDS)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "ab, ba, 1", "timout, timeout, 1", ", abc, 3"})
    void distanceCountsTranspositionsAsOneEdit(String a, String b, int d) {
        assertThat(Suggestions.distance(a == null ? "" : a, b)).isEqualTo(d);
    }
}
