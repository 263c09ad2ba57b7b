package dev.berth.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Choosing a transport by name: what is accepted, what falls back, what is refused. */
class TransportTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty("berth.transport");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"epoll, EPOLL", "EPOLL, EPOLL", "io_uring, IO_URING", "io-uring, IO_URING", "iouring, IO_URING",
        "nio, NIO", " nio , NIO"})
    void namesParseToTheirTransport(String name, Transport expected) {
        assertThat(Transport.parse(name)).isEqualTo(expected);
    }

    @Test
    void autoAndNothingMeanTheBestAvailable() {
        assertThat(Transport.parse("auto")).isNull();
        assertThat(Transport.parse("")).isNull();
        assertThat(Transport.parse(null)).isNull();
        Transport best = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertThat(Transport.choose("auto")).isEqualTo(best);
        assertThat(Transport.best()).isEqualTo(best);
    }

    @Test
    void anUnknownNameIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> Transport.parse("uring")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transport 'uring' (expected one of: auto, epoll, io_uring, nio)");
        assertThatThrownBy(() -> Transport.choose("kqueue")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSystemPropertyChoosesAndAnUnknownValueMeansAuto() {
        System.setProperty("berth.transport", "nio");
        assertThat(Transport.best()).isEqualTo(Transport.NIO);
        System.setProperty("berth.transport", "io_uring");
        assertThat(Transport.best()).isEqualTo(Transport.IO_URING.available() ? Transport.IO_URING : Transport.choose("auto"));
        System.setProperty("berth.transport", "bogus");
        assertThat(Transport.best()).isEqualTo(Transport.choose("auto"));
    }

    @Test
    void anAvailableTransportHasNoUnavailabilityReasonAndNioSaysWhyItRuns() {
        for (Transport t : new Transport[] {Transport.EPOLL, Transport.IO_URING}) {
            assertThat(t.unavailabilityReason() == null).as(t.label()).isEqualTo(t.available());
        }
        assertThat(Transport.NIO.available()).isTrue();
        assertThat(Transport.NIO.unavailabilityReason()).isNotNull(); // chosen, or epoll missing: either way a reason
    }

    @Test
    void onlyEpollSplicesAndNioCannotShareListeningPorts() {
        assertThat(Transport.EPOLL.splices()).isTrue();
        assertThat(Transport.IO_URING.splices()).isFalse();
        assertThat(Transport.NIO.splices()).isFalse();
        assertThat(Transport.EPOLL.sharesListeningPorts()).isTrue();
        assertThat(Transport.IO_URING.sharesListeningPorts()).isTrue();
        assertThat(Transport.NIO.sharesListeningPorts()).isFalse();
    }
}
