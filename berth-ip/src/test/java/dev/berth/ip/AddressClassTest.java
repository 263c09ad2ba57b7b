package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // address                 | classes (primary first)      | reach   | embedded IPv4
        "0.0.0.0                   | unspecified                  | none    | -",
        "0.1.2.3                   | reserved                     | none    | -",
        "127.0.0.1                 | loopback                     | host    | -",
        "127.255.255.254           | loopback                     | host    | -",
        "10.0.0.1                  | private                      | private | -",
        "172.16.0.1                | private                      | private | -",
        "172.31.255.255            | private                      | private | -",
        "172.32.0.1                | global                       | global  | -",
        "192.168.1.1               | private                      | private | -",
        "100.64.0.1                | shared                       | private | -",
        "100.127.255.255           | shared                       | private | -",
        "100.128.0.1               | global                       | global  | -",
        "169.254.10.20             | link-local                   | link    | -",
        "192.0.2.1                 | documentation                | none    | -",
        "198.51.100.7              | documentation                | none    | -",
        "203.0.113.200             | documentation                | none    | -",
        "198.18.0.1                | benchmarking                 | private | -",
        "198.19.255.255            | benchmarking                 | private | -",
        "224.0.0.251               | multicast                    | link    | -",
        "239.1.2.3                 | multicast                    | private | -",
        "232.1.1.1                 | multicast global             | global  | -",
        "240.0.0.1                 | reserved                     | none    | -",
        "255.255.255.255           | broadcast                    | link    | -",
        "8.8.8.8                   | global                       | global  | -",
        "::                        | unspecified                  | none    | -",
        "::1                       | loopback                     | host    | -",
        "::ffff:10.0.0.1           | ipv4-mapped                  | private | 10.0.0.1",
        "::ffff:8.8.8.8            | ipv4-mapped global           | global  | 8.8.8.8",
        "::ffff:127.0.0.1          | ipv4-mapped                  | host    | 127.0.0.1",
        "::10.0.0.1                | ipv4-compatible              | none    | 10.0.0.1",
        "::2                       | ipv4-compatible              | none    | 0.0.0.2",
        "64:ff9b::8.8.8.8          | nat64 global                 | global  | 8.8.8.8",
        "64:ff9b::192.0.2.33       | nat64                        | none    | 192.0.2.33",
        "2002:c000:204::1          | 6to4 global                  | global  | 192.0.2.4",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2 | teredo global     | global  | 192.0.2.45",
        "2001:db8::1               | documentation                | none    | -",
        "3fff:fff::1               | documentation                | none    | -",
        "3fff:1000::1              | global                       | global  | -",
        "2001:2::1                 | benchmarking                 | private | -",
        "100::1                    | reserved                     | none    | -",
        "fc00::1                   | unique-local                 | private | -",
        "fd12:3456:789a::1         | unique-local                 | private | -",
        "fe80::1                   | link-local                   | link    | -",
        "fe80::1%eth0              | link-local                   | link    | -",
        "febf:ffff::1              | link-local                   | link    | -",
        "fec0::1                   | reserved                     | none    | -",
        "ff02::1                   | multicast                    | link    | -",
        "ff05::2                   | multicast                    | private | -",
        "ff0e::101                 | multicast global             | global  | -",
        "ff01::1                   | multicast                    | host    | -",
        "2606:4700:4700::1111      | global                       | global  | -",
    })
    void classifiesAddresses(String input, String classes, String reach, String embedded) {
        IpAddress a = IpAddresses.forString(input);
        assertThat(a.classes().stream().map(AddressClass::label).collect(Collectors.joining(" "))).isEqualTo(classes);
        assertThat(a.primaryClass().label()).isEqualTo(classes.split(" ")[0]);
        assertThat(a.reach().label()).isEqualTo(reach);
        assertThat(a.isGlobal()).isEqualTo(reach.equals("global"));
        assertThat(a.embeddedIpv4().map(IpAddress::toString).orElse(null)).isEqualTo(embedded);
    }

    @Test
    void teredoClientAddressIsTheInvertedLast32Bits() {
        // RFC 4380 section 4 example: client 192.0.2.45 obfuscated as 3fff:fdd2 (servers 65.54.227.120).
        IpAddress teredo = IpAddresses.forString("2001:0:4136:e378:8000:63bf:3fff:fdd2");
        assertThat(teredo.embeddedIpv4()).map(IpAddress::toString).contains("192.0.2.45");
    }

    @Test
    void everyClassHasALabelAndAOneLineMeaning() {
        assertThat(Arrays.stream(AddressClass.values()).map(AddressClass::label).distinct()).hasSize(AddressClass.values().length);
        for (AddressClass c : AddressClass.values()) {
            assertThat(c.meaning()).isNotBlank().doesNotContain("\n");
            assertThat(c.label()).matches("[a-z0-9-]+");
        }
        for (Reach r : Reach.values()) {
            assertThat(r.meaning()).isNotBlank();
        }
        assertThat(Reach.HOST.beyondHost()).isFalse();
        assertThat(Reach.LINK.beyondHost()).isTrue();
    }

    @Test
    void classesAreNeverEmpty() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 5_000; i++) {
            IpAddress a = IpAddress.ofBytes(i % 2 == 0 ? IpAddressRoundTripTest.randomIpv4(random)
                    : IpAddressRoundTripTest.randomIpv6(random));
            assertThat(a.classes()).as(a.toString()).isNotEmpty().contains(a.primaryClass());
            assertThat(a.classes().contains(AddressClass.GLOBAL)).isEqualTo(a.isGlobal());
        }
    }
}
