package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8          | 10.0.0.0/8",
        "0.0.0.0/0           | 0.0.0.0/0",
        "192.0.2.7/32        | 192.0.2.7/32",
        "192.0.2.7           | 192.0.2.7/32",
        "::/0                | ::/0",
        "::1                 | ::1/128",
        "2001:DB8::/32       | 2001:db8::/32",
        "2001:db8:8000::/33  | 2001:db8:8000::/33",
        "::ffff:10.0.0.0/104 | ::ffff:10.0.0.0/104",
        "fe80::/10           | fe80::/10",
        "10.0.0.0/08         | 10.0.0.0/8",
    })
    void parses(String input, String text) {
        Prefix p = Prefix.parse(input);
        assertThat(p.toString()).isEqualTo(text);
        assertThat(Prefix.parse(p.toString())).isEqualTo(p);
    }

    /**
     * Host bits are rejected, not normalised: the message names the network it would be.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "10.0.0.1/8          | host bits are set (expected: the network address, 10.0.0.0/8)",
        "192.168.1.1/24      | host bits are set (expected: the network address, 192.168.1.0/24)",
        "2001:db8::1/32      | host bits are set (expected: the network address, 2001:db8::/32)",
        "fe80::1/10          | host bits are set (expected: the network address, fe80::/10)",
        "10.0.0.0/33         | prefix length 33 is out of range (expected: 0-32 for IPv4)",
        "::/129              | prefix length 129 is out of range (expected: 0-128 for IPv6)",
        "::/99999            | prefix length 99999 is out of range (expected: 0-128 for IPv6)",
        "10.0.0.0/           | missing prefix length after '/' (expected: 0-32 for IPv4)",
        "10.0.0.0/abc        | prefix length abc is not a number (expected: 0-32 for IPv4)",
        "10.0.0.0/-1         | prefix length -1 is not a number (expected: 0-32 for IPv4)",
        "10.0.0.0/8/9        | prefix length 8/9 is not a number (expected: 0-32 for IPv4)",
        "999.0.0.0/8         | 999.0.0.0 is not an IP address (part 999 is over 255)",
        "10.1/16             | 10.1 is not an IP address (only 2 parts, which legacy parsers read as 10.0.0.1; expected: four dotted decimal parts)",
        "example.com/24      | example.com is not an IP address (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)",
        "example.com         | not a prefix (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)",
        "fe80::%eth0/64      | a prefix has no %scope (expected: fe80::/64)",
        "fe80::1%eth0        | a prefix has no %scope (expected: fe80::1)",
    })
    void rejectsWithAOneLineReason(String input, String problem) {
        assertThatThrownBy(() -> Prefix.parse(input))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessage(input + ": " + problem);
    }

    @Test
    void emptyInputOrAddress() {
        assertThatThrownBy(() -> Prefix.parse(""))
                .hasMessage("\"\": empty (expected: a prefix such as 10.0.0.0/8 or 2001:db8::/32)");
        assertThatThrownBy(() -> Prefix.parse("/8"))
                .hasMessage("/8: \"\" is not an IP address (empty; expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)");
    }

    @Test
    void containingMasksHostBitsOnPurpose() {
        assertThat(Prefix.containing(IpAddresses.forString("10.1.2.3"), 8)).isEqualTo(Prefix.parse("10.0.0.0/8"));
        assertThat(Prefix.containing(IpAddresses.forString("fe80::1%eth0"), 64)).isEqualTo(Prefix.parse("fe80::/64"));
        assertThat(Prefix.containing(IpAddresses.forString("10.1.2.3"), 0)).isEqualTo(Prefix.parse("0.0.0.0/0"));
        assertThatThrownBy(() -> Prefix.containing(IpAddresses.forString("10.1.2.3"), 33))
                .hasMessage("prefix length 33 (expected: 0-32 for IPv4)");
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8          | 10.255.255.255      | true",
        "10.0.0.0/8          | 11.0.0.0            | false",
        "10.0.0.0/8          | ::ffff:10.1.2.3     | true",
        "10.0.0.0/8          | ::ffff:11.1.2.3     | false",
        "10.0.0.0/8          | ::a01:203           | false",
        "0.0.0.0/0           | ::ffff:1.2.3.4      | true",
        "0.0.0.0/0           | ::1                 | false",
        "::/0                | ::ffff:1.2.3.4      | false",
        "::/0                | 1.2.3.4             | false",
        "::/0                | 2001:db8::1         | true",
        "::ffff:10.0.0.0/104 | 10.9.9.9            | true",
        "::ffff:10.0.0.0/104 | ::ffff:10.9.9.9     | true",
        "::ffff:0:0/96       | 1.2.3.4             | true",
        "fe80::/10           | fe80::1%eth0        | true",
        "fe80::/10           | fec0::1             | false",
        "2001:db8:8000::/33  | 2001:db8:7fff::1    | false",
        "2001:db8:8000::/33  | 2001:db8:8000::1    | true",
        "192.0.2.7/32        | 192.0.2.7           | true",
        "192.0.2.7/32        | 192.0.2.8           | false",
    })
    void containsTreatsMappedAddressesAsIpv4(String prefix, String address, boolean expected) {
        assertThat(Prefix.parse(prefix).contains(IpAddresses.forString(address))).isEqualTo(expected);
    }

    @Test
    void containsAJdkAddress() {
        assertThat(Prefix.parse("127.0.0.0/8").contains(InetAddress.getLoopbackAddress())).isTrue();
    }

    @Test
    void unmappedPrefix() {
        assertThat(Prefix.parse("::ffff:10.0.0.0/104").unmapped()).isEqualTo(Prefix.parse("10.0.0.0/8"));
        assertThat(Prefix.parse("::ffff:0:0/96").unmapped()).isEqualTo(Prefix.parse("0.0.0.0/0"));
        Prefix shorter = Prefix.parse("::/80");
        assertThat(shorter.unmapped()).isSameAs(shorter);
        assertThat(Prefix.parse("::ffff:10.0.0.0/104")).isNotEqualTo(Prefix.parse("10.0.0.0/8"));
    }
}
