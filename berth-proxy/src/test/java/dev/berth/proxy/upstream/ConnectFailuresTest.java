package dev.berth.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.dial.AttemptOutcome;
import dev.berth.dial.AttemptRecord;
import dev.berth.dial.Family;
import dev.berth.proxy.observe.ConnectFailure;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The access log's {@code cause} from the errors epoll and NIO really throw. */
class ConnectFailuresTest {

    @ParameterizedTest(name = "{0} (port bound first: {1}) -> {2}")
    @CsvSource(delimiter = '|', value = {
        // epoll names the call
        "connect(..) failed: Cannot assign requested address: /127.0.0.1:7001 | false | PORTS_EXHAUSTED",
        "bind(..) failed: Cannot assign requested address                    | false | SOURCE_UNAVAILABLE",
        // NIO does not: unbound it is the ports, bound first (no IP_BIND_ADDRESS_NO_PORT) it is the address
        "Cannot assign requested address                                     | false | PORTS_EXHAUSTED",
        "Cannot assign requested address                                     | true  | SOURCE_UNAVAILABLE",
        // bind(ip, 0) without IP_BIND_ADDRESS_NO_PORT: the range is used up for every destination
        "Address already in use                                              | true  | PORTS_EXHAUSTED",
        "connect(..) failed: Connection refused: /127.0.0.1:1                 | false | REFUSED",
        "connect(..) failed: Network is unreachable                          | false | UNREACHABLE",
        "connect(..) failed: No route to host                                | false | UNREACHABLE",
        "connection timed out: /10.255.255.1:80                              | false | TIMEOUT",
        "Too many open files                                                 | false | OTHER",
    })
    void errorTextsAreNamed(String message, boolean portBoundFirst, ConnectFailure expected) {
        // NIO throws BindException for EADDRNOTAVAIL and EADDRINUSE, epoll a NativeIoException: only the text counts.
        assertThat(ConnectFailures.of(new BindException(message), portBoundFirst)).isEqualTo(expected);
        assertThat(ConnectFailures.of(new ConnectException(message), portBoundFirst)).isEqualTo(expected);
    }

    @Test
    void typesDecideBeforeTexts() {
        assertThat(ConnectFailures.of(new ConnectTimeoutException("connection timed out after 250 ms"), false))
                .isEqualTo(ConnectFailure.TIMEOUT);
        assertThat(ConnectFailures.of(new NoRouteToHostException(), false)).isEqualTo(ConnectFailure.UNREACHABLE);
        assertThat(ConnectFailures.of(new IOException((String) null), false)).isEqualTo(ConnectFailure.OTHER);
    }

    @Test
    void happyEyeballsAttemptsAreNamedFromTheirOutcomeOrTheDialersWords() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 7001);
        assertThat(ConnectFailures.of(attempt(a, AttemptOutcome.REFUSED, "connection refused"), false))
                .isEqualTo(ConnectFailure.REFUSED);
        assertThat(ConnectFailures.of(attempt(a, AttemptOutcome.OTHER, "local ephemeral ports exhausted for 127.0.0.1:7001"
                + " (EADDRNOTAVAIL: every local port to this destination is in use; see ip_local_port_range and TIME_WAIT)"), false))
                .isEqualTo(ConnectFailure.PORTS_EXHAUSTED);
        assertThat(ConnectFailures.of(attempt(a, AttemptOutcome.OTHER, "source address not available (EADDRNOTAVAIL at bind:"
                + " it is not an address of this host)"), false)).isEqualTo(ConnectFailure.SOURCE_UNAVAILABLE);
    }

    private static AttemptRecord attempt(InetSocketAddress a, AttemptOutcome outcome, String error) {
        return new AttemptRecord(a, Family.IPV4, Duration.ZERO, Duration.ofMillis(1), outcome, error);
    }
}
