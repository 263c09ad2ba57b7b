package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // input                     | canonical               | expanded
        "0.0.0.0                     | 0.0.0.0                 | 0.0.0.0",
        "10.0.0.1                    | 10.0.0.1                | 10.0.0.1",
        "255.255.255.255             | 255.255.255.255         | 255.255.255.255",
        "::                          | ::                      | 0000:0000:0000:0000:0000:0000:0000:0000",
        "::1                         | ::1                     | 0000:0000:0000:0000:0000:0000:0000:0001",
        "2001:DB8::0001              | 2001:db8::1             | 2001:0db8:0000:0000:0000:0000:0000:0001",
        "2001:db8:0:0:1:0:0:1        | 2001:db8::1:0:0:1       | 2001:0db8:0000:0000:0001:0000:0000:0001",
        "1:0:0:2:0:0:0:3             | 1:0:0:2::3              | 0001:0000:0000:0002:0000:0000:0000:0003",
        "2001:db8:0:1:1:1:1:1        | 2001:db8:0:1:1:1:1:1    | 2001:0db8:0000:0001:0001:0001:0001:0001",
        "1:2:3:4:5:6:7::             | 1:2:3:4:5:6:7:0         | 0001:0002:0003:0004:0005:0006:0007:0000",
        "::2:3:4:5:6:7:8             | 0:2:3:4:5:6:7:8         | 0000:0002:0003:0004:0005:0006:0007:0008",
        "0:0:1::                     | 0:0:1::                 | 0000:0000:0001:0000:0000:0000:0000:0000",
        "::ffff:10.0.0.1             | ::ffff:10.0.0.1         | 0000:0000:0000:0000:0000:ffff:0a00:0001",
        "::FFFF:a00:1                | ::ffff:10.0.0.1         | 0000:0000:0000:0000:0000:ffff:0a00:0001",
        "64:ff9b::192.0.2.33         | 64:ff9b::c000:221       | 0064:ff9b:0000:0000:0000:0000:c000:0221",
        "::10.0.0.1                  | ::a00:1                 | 0000:0000:0000:0000:0000:0000:0a00:0001",
        "fe80::1%eth0                | fe80::1%eth0            | fe80:0000:0000:0000:0000:0000:0000:0001%eth0",
        "fe80::1%2                   | fe80::1%2               | fe80:0000:0000:0000:0000:0000:0000:0001%2",
        "FE80:0:0:0:0:0:0:1%lo.100   | fe80::1%lo.100          | fe80:0000:0000:0000:0000:0000:0000:0001%lo.100",
    })
    void parsesAndFormats(String input, String canonical, String expanded) {
        IpAddress a = IpAddresses.forString(input);
        assertThat(a.toCanonicalString()).isEqualTo(canonical);
        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(a.toExpandedString()).isEqualTo(expanded);
        assertThat(IpAddresses.isIpLiteral(input)).isTrue();
        assertThat(IpAddresses.forString(canonical)).isEqualTo(a);
        assertThat(IpAddresses.forString(expanded)).isEqualTo(a);
    }

    /** Every parser error, with its one-line reason; the message always starts with the input as given. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "999.1.1.1          | part 999 is over 255",
        "256.0.0.1          | part 256 is over 255",
        "1.2.3.4444         | part 4444 is over 255",
        "10.1               | only 2 parts, which legacy parsers read as 10.0.0.1; expected: four dotted decimal parts",
        "127.1              | only 2 parts, which legacy parsers read as 127.0.0.1; expected: four dotted decimal parts",
        "10.1.2             | only 3 parts, which legacy parsers read as 10.1.0.2; expected: four dotted decimal parts",
        "1.300              | part 300 is over 255",
        "0x7f.1             | hexadecimal part 0x7f is not accepted; expected: decimal parts, e.g. 127.0.0.1",
        "0x7f.0.0.1         | hexadecimal part 0x7f is not accepted; expected: decimal parts, e.g. 127.0.0.1",
        "0x7f               | hexadecimal part 0x7f is not accepted; expected: decimal parts, e.g. 127.0.0.1",
        "010.0.0.1          | leading zero in part 010, which legacy parsers read as octal 8; write 10 or 8, whichever is meant",
        "10.0.0.01          | leading zero in part 01; write 1",
        "10.0.0.09          | leading zero in part 09, which legacy parsers reject or misread as octal; write 9",
        "1.2.3.4.5          | 5 parts; expected: four dotted decimal parts, e.g. 10.0.0.1",
        "3232235777         | a bare number, which legacy parsers read as 192.168.1.1; expected: four dotted decimal parts, e.g. 10.0.0.1",
        "99999999999        | a bare number; expected: four dotted decimal parts, e.g. 10.0.0.1",
        "1..2.3             | empty part between dots",
        ".1.2.3             | starts with a dot",
        "1.2.3.             | ends with a dot",
        "1.2.3.4x           | expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved",
        "example.com        | expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved",
        "localhost          | expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved",
        "1.2.3.-4           | unexpected character '-'",
        "1.2.3.4/8          | unexpected character '/'",
        "\" 10.0.0.1\"      | unexpected character ' '",
        "\"10.0.0.1 \"      | unexpected character ' '",
        "١.2.3.4            | unexpected character '١'",
        "10.0.0.1:80        | an address with a port; expected: the address alone, 10.0.0.1",
        "example.com:80     | a name with a port; expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved",
        "10.0.0.1%eth0      | a %scope belongs only to IPv6 addresses; write 10.0.0.1",
        "[::1]              | brackets belong in URIs and HOST:PORT; write the address alone, e.g. ::1",
        "::g                | unexpected character 'g'",
        "1::2::3            | more than one '::'; it may stand for only one run of zero groups",
        ":::                | more than one '::'; it may stand for only one run of zero groups",
        "12345::            | group 12345 has more than 4 hex digits",
        ":1::               | starts with a single ':'",
        "1::2:              | ends with a single ':'",
        "1:2:3:4:5:6:7      | only 7 groups; expected: 8, or '::' for a run of zero groups",
        "1:2                | only 2 groups; expected: 8, or '::' for a run of zero groups",
        "1:2:3:4:5:6:7:8:9  | 9 groups; expected: 8",
        "1:2:3:4:5:6:7::8   | 8 groups besides '::', which stands for at least one; expected: at most 7",
        "1:2:3:4:5:6:7:8::  | 8 groups besides '::', which stands for at least one; expected: at most 7",
        "::1.2.3            | embedded IPv4 1.2.3: only 3 parts, which legacy parsers read as 1.2.0.3; expected: four dotted decimal parts",
        "::ffff:999.1.1.1   | embedded IPv4 999.1.1.1: part 999 is over 255",
        "1.2.3.4::          | an embedded IPv4 address may only be the last 32 bits, e.g. ::ffff:192.0.2.1",
        "::1.2.3.4:5        | an embedded IPv4 address may only be the last 32 bits, e.g. ::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:1.2.3.4 | more than 8 groups",
        "fe80::1%           | empty scope after '%'; expected: an interface name or number, e.g. fe80::1%eth0",
        "fe80::1%eth 0      | unexpected character ' ' in scope eth 0; expected: an interface name or number",
        "fe80::1%eth0%1     | unexpected character '%' in scope eth0%1; expected: an interface name or number",
    })
    void rejectsWithAOneLineReason(String input, String reason) {
        assertThatThrownBy(() -> IpAddresses.forString(input))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessage(input + ": not an IP address (" + reason + ")")
                .satisfies(e -> assertThat(((InvalidAddressException) e).input()).isEqualTo(input));
        assertThat(IpAddresses.isIpLiteral(input)).isFalse();
    }

    @Test
    void emptyAndControlCharactersStayOnOneLine() {
        assertThatThrownBy(() -> IpAddresses.forString(""))
                .hasMessage("\"\": not an IP address (empty; expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)");
        assertThatThrownBy(() -> IpAddresses.forString(null)).isInstanceOf(InvalidAddressException.class);
        assertThatThrownBy(() -> IpAddresses.forString("10.0.0.1\n; rm -rf /"))
                .hasMessage("10.0.0.1\\n; rm -rf /: not an IP address (unexpected character '\\n')");
        assertThatThrownBy(() -> IpAddresses.forString("a\u0000b\u202e"))
                .hasMessageStartingWith("a\\u0000b\\u202e: not an IP address");
        String huge = "1".repeat(5000);
        assertThatThrownBy(() -> IpAddresses.forString(huge))
                .hasMessageStartingWith("1".repeat(100) + "…: not an IP address (a bare number;");
    }

    @Test
    void neverResolvesNames() {
        // "localhost" always resolves; a parser that looked it up would succeed.
        assertThat(IpAddresses.isIpLiteral("localhost")).isFalse();
        assertThat(IpAddresses.isIpLiteral("127.0.0.1")).isTrue();
    }

    @Test
    void mappedAddressesStayIpv6UntilUnmapped() {
        IpAddress mapped = IpAddresses.forString("::ffff:10.0.0.1");
        assertThat(mapped.family()).isEqualTo(IpFamily.IPV6);
        assertThat(mapped.isIpv4Mapped()).isTrue();
        assertThat(mapped).isNotEqualTo(IpAddresses.forString("10.0.0.1"));
        assertThat(mapped.unmapped()).isEqualTo(IpAddresses.forString("10.0.0.1"));
        assertThat(mapped.toInetAddress()).isInstanceOf(Inet6Address.class);
        assertThat(mapped.unmapped().toInetAddress()).isInstanceOf(Inet4Address.class);
        // The JDK's own parser turns it into IPv4.
        assertThat(InetAddress.ofLiteral("::ffff:10.0.0.1")).isInstanceOf(Inet4Address.class);
        IpAddress v4 = IpAddresses.forString("10.0.0.1");
        assertThat(v4.unmapped()).isSameAs(v4);
    }

    @Test
    void scopesSurviveParseFormatAndTheJdk() throws Exception {
        IpAddress numeric = IpAddresses.forString("fe80::1%7");
        assertThat(numeric.scope()).contains("7");
        InetAddress jdk = numeric.toInetAddress();
        assertThat(((Inet6Address) jdk).getScopeId()).isEqualTo(7);
        assertThat(IpAddress.of(jdk)).isEqualTo(numeric);
        assertThat(IpAddresses.toCanonicalString(jdk)).isEqualTo("fe80::1%7");

        assertThat(numeric).isNotEqualTo(IpAddresses.forString("fe80::1"));
        assertThat(numeric.withoutScope()).isEqualTo(IpAddresses.forString("fe80::1"));

        NetworkInterface lo = NetworkInterface.getByName("lo");
        if (lo != null) {
            IpAddress named = IpAddresses.forString("fe80::1%lo");
            Inet6Address viaJdk = (Inet6Address) named.toInetAddress();
            assertThat(viaJdk.getScopeId()).isEqualTo(lo.getIndex());
        }
        assertThatThrownBy(() -> IpAddresses.forString("fe80::1%nosuchif0").toInetAddress())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("fe80::1%nosuchif0: no network interface nosuchif0 on this host");
    }

    @Test
    void jdkAddressesFormatWithoutLookups() throws Exception {
        InetAddress v6 = InetAddress.getByAddress("ignored.example", InetAddress.ofLiteral("2001:db8::1").getAddress());
        assertThat(IpAddresses.toCanonicalString(v6)).isEqualTo("2001:db8::1");
        assertThat(IpAddresses.toExpandedString(v6)).isEqualTo("2001:0db8:0000:0000:0000:0000:0000:0001");
        assertThat(IpAddresses.toUriString(v6)).isEqualTo("[2001:db8::1]");
        InetAddress v4 = InetAddress.ofLiteral("192.0.2.1");
        assertThat(IpAddresses.toUriString(v4)).isEqualTo("192.0.2.1");
        assertThat(IpAddresses.toExpandedString(v4)).isEqualTo("192.0.2.1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1        | 10.0.0.1",
        "::1             | [::1]",
        "::ffff:10.0.0.1 | [::ffff:10.0.0.1]",
        "fe80::1%eth0    | [fe80::1%25eth0]",
    })
    void uriFormRoundTrips(String input, String uri) {
        IpAddress a = IpAddresses.forString(input);
        assertThat(a.toUriString()).isEqualTo(uri);
        assertThat(IpAddresses.forUriString(uri)).isEqualTo(a);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "::1              | ::1: not a URI host (IPv6 needs brackets, e.g. [::1])",
        "[::1             | [::1: not a URI host (missing ']')",
        "[10.0.0.1]       | [10.0.0.1]: not a URI host (brackets are only for IPv6; write 10.0.0.1)",
        "[fe80::1%eth0]   | [fe80::1%eth0]: not a URI host (a scope in a URI is written %25 and a name, e.g. [fe80::1%25eth0])",
        "[fe80::1%25]     | [fe80::1%25]: not a URI host (a scope in a URI is written %25 and a name, e.g. [fe80::1%25eth0])",
        "[::g]            | [::g]: not an IP address (unexpected character 'g')",
    })
    void uriFormErrors(String input, String message) {
        assertThatThrownBy(() -> IpAddresses.forUriString(input)).isInstanceOf(InvalidAddressException.class).hasMessage(message);
    }

    @Test
    void bytesAndFactories() {
        assertThat(IpAddress.ofBytes(new byte[] {10, 0, 0, 1})).isEqualTo(IpAddresses.forString("10.0.0.1"));
        byte[] b = IpAddresses.forString("::1").toBytes();
        b[15] = 2;
        assertThat(IpAddresses.forString("::1").toBytes()[15]).isEqualTo((byte) 1);
        assertThat(IpAddress.ofIpv6(b, "eth0").toCanonicalString()).isEqualTo("::2%eth0");
        assertThatThrownBy(() -> IpAddress.ofBytes(new byte[5])).hasMessage("5 bytes (expected: 4 for IPv4 or 16 for IPv6)");
        assertThatThrownBy(() -> IpAddress.ofIpv6(b, "a b"))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessage("a b: not a scope (unexpected character ' ' in scope a b; expected: an interface name or number)");
    }

    @Test
    void ordersIpv4FirstThenByBitsThenScope() {
        var sorted = java.util.stream.Stream.of("::1", "10.0.0.2", "fe80::1%eth1", "10.0.0.1", "fe80::1", "fe80::1%eth0")
                .map(IpAddresses::forString).sorted().map(IpAddress::toString).toList();
        assertThat(sorted).containsExactly("10.0.0.1", "10.0.0.2", "::1", "fe80::1", "fe80::1%eth0", "fe80::1%eth1");
    }
}
