package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.config.InvalidValueException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ::                          | ::
            ::1                         | ::1
            0:0:0:0:0:0:0:1             | ::1
            2001:DB8:0:0:0:0:0:1        | 2001:db8::1
            2001:db8:0:0:1:0:0:1        | 2001:db8::1:0:0:1
            2001:db8:0:1:1:1:1:1        | 2001:db8:0:1:1:1:1:1
            2001:0db8:0000:0000:0000:ff00:0042:8329 | 2001:db8::ff00:42:8329
            fe80:0:0:0:0:0:0:0          | fe80::
            1:0:0:2:0:0:0:3             | 1:0:0:2::3
            """)
    void formatsIpv6AsRfc5952(String in, String out) {
        assertThat(Addresses.format(InetAddress.ofLiteral(in))).isEqualTo(out);
    }

    @Test
    void formatRoundTripsThroughTheParserForRandomAddresses() {
        Random random = new Random(5952);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[16];
            for (int b = 0; b < 16; b++) {
                // Many zero bytes, so zero runs of every length and position turn up.
                bytes[b] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : 0;
            }
            InetAddress ip = address(bytes);
            String text = Addresses.format(ip);
            assertThat(InetAddress.ofLiteral(text)).isEqualTo(ip);
            assertThat(text).doesNotContain(":::").doesNotContainPattern("[A-F]");
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void formatsSocketAddressesWithBracketsForIpv6() {
        assertThat(Addresses.format(new InetSocketAddress(InetAddress.ofLiteral("::"), 15001))).isEqualTo("[::]:15001");
        assertThat(Addresses.format(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 80))).isEqualTo("10.0.0.1:80");
    }

    @Test
    void bindAcceptsLiteralsOnly() {
        assertThat(Addresses.bind("[::1]:80")).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("::1"), 80));
        assertThat(Addresses.bind("0.0.0.0:65535").getPort()).isEqualTo(65535);
        assertThatThrownBy(() -> Addresses.bind("example.com:80")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> Addresses.bind("10.1:80")).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""             | empty address (expected: host:port, such as 127.0.0.1:8080)
            :80            | ':80' has no host (expected: host:port, such as 0.0.0.0:80)
            127.0.0.1:     | '127.0.0.1:' has no port (expected: host:port, such as 127.0.0.1:8080)
            [::1           | '[::1' has no closing ']' (expected: [v6]:port, such as [::1]:8080)
            [::1]:         | '[::1]:' has no port (expected: [v6]:port, such as [::1]:8080)
            [::1]8080      | '[::1]8080': expected ':' and a port after ']' (as in [::1]:8080)
            ::1            | '::1': an IPv6 address needs brackets before the port, as in [::1]:8080
            fe80::1:443    | 'fe80::1:443': an IPv6 address needs brackets before the port, as in [fe80::1]:443
            "10.0.0.1 :80" | '10.0.0.1 :80' contains whitespace (expected: host:port, such as 127.0.0.1:8080)
            """)
    void splitExplainsWhatIsWrong(String in, String message) {
        assertThatThrownBy(() -> Addresses.split(in)).isInstanceOf(InvalidValueException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0       | port 0 (expected: 1-65535)
            65536   | port 65536 (expected: 1-65535)
            9999999 | port 9999999 (expected: 1-65535)
            http    | port 'http' (expected: 1-65535)
            +80     | port '+80' (expected: 1-65535)
            """)
    void portsAreOneTo65535(String in, String message) {
        assertThatThrownBy(() -> Addresses.port(in)).isInstanceOf(InvalidValueException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({
        "app.internal, true",
        "payments.default.svc.cluster.local., true",
        "_http._tcp.example.com, true",
        "localhost, true",
        "a-b, true",
        "-ab, false",
        "ab-, false",
        "a..b, false",
        "10.0.0.256, false",
        "'', false",
        "a b, false",
    })
    void hostNames(String host, boolean valid) {
        assertThat(Addresses.isHostName(host)).isEqualTo(valid);
    }

    @Test
    void hostNameLengthLimits() {
        assertThat(Addresses.isHostName("a".repeat(63) + ".com")).isTrue();
        assertThat(Addresses.isHostName("a".repeat(64) + ".com")).isFalse();
        assertThat(Addresses.isHostName(("a".repeat(49) + ".").repeat(5) + "com")).as("253 characters").isTrue();
        assertThat(Addresses.isHostName(("a".repeat(49) + ".").repeat(5) + "comx")).as("254 characters").isFalse();
    }
}
