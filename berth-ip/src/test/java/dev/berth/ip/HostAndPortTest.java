package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostAndPortTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // input                  | host               | is name | port  | toString
        "10.0.0.1:80              | 10.0.0.1           | false   | 80    | 10.0.0.1:80",
        "[::1]:8080               | ::1                | false   | 8080  | [::1]:8080",
        "[2001:DB8:0::1]:443      | 2001:db8::1        | false   | 443   | [2001:db8::1]:443",
        "[::ffff:10.0.0.1]:80     | ::ffff:10.0.0.1    | false   | 80    | [::ffff:10.0.0.1]:80",
        "[fe80::1%eth0]:22        | fe80::1%eth0       | false   | 22    | [fe80::1%eth0]:22",
        "example.com:443          | example.com        | true    | 443   | example.com:443",
        "Example.COM.:443         | Example.COM.       | true    | 443   | Example.COM.:443",
        "localhost:65535          | localhost          | true    | 65535 | localhost:65535",
        "payments-v2.svc_a.cluster.local:5432 | payments-v2.svc_a.cluster.local | true | 5432 | payments-v2.svc_a.cluster.local:5432",
        "1.2.3.4x:1               | 1.2.3.4x           | true    | 1     | 1.2.3.4x:1",
        "10.0.0.1:00080           | 10.0.0.1           | false   | 80    | 10.0.0.1:80",
    })
    void parsesHostAndPort(String input, String host, boolean isName, int port, String text) {
        HostAndPort hp = HostAndPort.parse(input);
        assertThat(hp.host()).isEqualTo(host);
        assertThat(hp.isName()).isEqualTo(isName);
        assertThat(hp.ip().isEmpty()).isEqualTo(isName);
        assertThat(hp.port()).isEqualTo(port);
        assertThat(hp.toString()).isEqualTo(text);
        assertThat(HostAndPort.parse(hp.toString())).isEqualTo(hp);
    }

    /** Every error, with its one-line reason, quoting the input. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "::1:80                | ambiguous: IPv6 with a port needs brackets, e.g. [::1]:80",
        "2001:db8::1:443       | ambiguous: IPv6 with a port needs brackets, e.g. [2001:db8::1]:443",
        "fe80::1%eth0:80       | ambiguous: IPv6 with a port needs brackets, e.g. [fe80::1%eth0]:80",
        "::1                   | missing port (expected: [::1]:PORT)",
        "2001:db8::1           | missing port (expected: [2001:db8::1]:PORT)",
        "1:2:3                 | not HOST:PORT (an IPv6 address is written in brackets, e.g. [2001:db8::1]:443)",
        "10.0.0.1              | missing port (expected: HOST:PORT, e.g. 10.0.0.1:80)",
        "example.com           | missing port (expected: HOST:PORT, e.g. example.com:80)",
        "10.0.0.1:             | missing port after ':' (expected: 1-65535)",
        "10.0.0.1:99999        | port 99999 is out of range (expected: 1-65535)",
        "10.0.0.1:65536        | port 65536 is out of range (expected: 1-65535)",
        "10.0.0.1:0            | port 0 is out of range (expected: 1-65535)",
        "10.0.0.1:123456789012 | port 123456789012 is out of range (expected: 1-65535)",
        "10.0.0.1:-1           | port -1 is not a number (expected: 1-65535)",
        "10.0.0.1:+80          | port +80 is not a number (expected: 1-65535)",
        "example.com:http      | port http is not a number (expected: 1-65535)",
        ":80                   | missing host before ':' (expected: HOST:PORT, e.g. 10.0.0.1:80, [::1]:80 or example.com:443)",
        "[::1]                 | missing port (expected: [::1]:PORT)",
        "[::1                  | missing ']' after the IPv6 address (expected: [IPv6]:PORT, e.g. [::1]:80)",
        "[::1]80               | expected ':' and a port after ']', e.g. [::1]:80",
        "[::1]:                | missing port after ':' (expected: 1-65535)",
        "[::1]:http            | port http is not a number (expected: 1-65535)",
        "[10.0.0.1]:80         | brackets are only for IPv6 (expected: 10.0.0.1:PORT)",
        "[example.com]:80      | example.com is not an IPv6 address (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)",
        "[::g]:80              | ::g is not an IPv6 address (unexpected character 'g')",
        "999.1.1.1:80          | 999.1.1.1 is not an IP address (part 999 is over 255)",
        "10.1:80               | 10.1 is not an IP address (only 2 parts, which legacy parsers read as 10.0.0.1; expected: four dotted decimal parts)",
        "010.0.0.1:80          | 010.0.0.1 is not an IP address (leading zero in part 010, which legacy parsers read as octal 8; write 10 or 8, whichever is meant)",
        "0x7f.0.0.1:80         | 0x7f.0.0.1 is not an IP address (hexadecimal part 0x7f is not accepted; expected: decimal parts, e.g. 127.0.0.1)",
        "exa mple.com:80       | exa mple.com is neither an IP address nor a host name (unexpected character ' ')",
        "-bad-.com:80          | -bad-.com is neither an IP address nor a host name (unexpected character '-')",
        "10.0.0.1%eth0:80      | 10.0.0.1%eth0 is not an IP address (a %scope belongs only to IPv6 addresses; write 10.0.0.1)",
    })
    void rejectsWithAOneLineReason(String input, String problem) {
        assertThatThrownBy(() -> HostAndPort.parse(input))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessage(input + ": " + problem);
    }

    @Test
    void emptyInput() {
        assertThatThrownBy(() -> HostAndPort.parse(""))
                .hasMessage("\"\": empty (expected: HOST:PORT, e.g. 10.0.0.1:80, [::1]:80 or example.com:443)");
    }

    @Test
    void portZeroOnlyWhenAllowed() {
        assertThat(HostAndPort.parse("0.0.0.0:0", true).port()).isZero();
        assertThatThrownBy(() -> HostAndPort.parse("[::]:70000", true))
                .hasMessage("[::]:70000: port 70000 is out of range (expected: 0-65535)");
    }

    @Test
    void namesAreCheckedForSyntaxOnly() {
        assertThat(HostAndPort.isHostName("a".repeat(63) + ".com")).isTrue();
        assertThat(HostAndPort.isHostName("a".repeat(64) + ".com")).isFalse();
        assertThat(HostAndPort.isHostName(("a".repeat(49) + ".").repeat(5) + "com")).isTrue(); // 253 characters
        assertThat(HostAndPort.isHostName(("a".repeat(49) + ".").repeat(5) + "comm")).isFalse();
        assertThat(HostAndPort.isHostName("a..b")).isFalse();
        assertThat(HostAndPort.isHostName(".")).isFalse();
        assertThat(HostAndPort.isHostName("no-such-host.invalid")).isTrue();
        HostAndPort unresolvable = HostAndPort.parse("no-such-host.invalid:80");
        assertThat(unresolvable.isName()).isTrue();
    }

    @Test
    void ofAnAddress() {
        assertThat(HostAndPort.of(IpAddresses.forString("::1"), 0).toString()).isEqualTo("[::1]:0");
        assertThatThrownBy(() -> HostAndPort.of(IpAddresses.forString("::1"), 65536))
                .hasMessage("port 65536 (expected: 0-65535)");
    }
}
