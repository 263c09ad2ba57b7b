package dev.berth.ip.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IfInet6EntryTest {

    @Test
    void parsesEveryFieldOfTheKernelsLines() {
        List<IfInet6Entry> entries = IfInet6Entry.parse(Fixtures.read("dual-stack-slaac", "if_inet6"));
        assertThat(entries).extracting(IfInet6Entry::toString).containsExactly(
                "2001:db8:0:1234:50d3:a1f2:c4e5:b6a7/64 on wlp2s0",
                "2001:db8:0:1234:9a7b:3c4d:5e6f:7081/64 on wlp2s0",
                "2001:db8:0:1234:211:22ff:fe33:4455/64 on wlp2s0",
                "fe80::211:22ff:fe33:4455/64 on wlp2s0",
                "::1/128 on lo",
                "fe80::b4a0:c1ff:fe0e:9a11/64 on docker0");

        IfInet6Entry temporary = entries.get(0);
        assertThat(temporary.interfaceIndex()).isEqualTo(2);
        assertThat(temporary.isGlobalScope()).isTrue();
        assertThat(temporary.isTemporary()).isTrue();
        assertThat(temporary.isUsable()).isTrue();

        IfInet6Entry expired = entries.get(1);
        assertThat(expired.isDeprecated()).isTrue();
        assertThat(expired.isUsable()).isFalse();

        IfInet6Entry linkLocal = entries.get(3);
        assertThat(linkLocal.scope()).isEqualTo(IfInet6Entry.SCOPE_LINK);
        assertThat(linkLocal.address().toString()).isEqualTo("fe80::211:22ff:fe33:4455%wlp2s0");
        assertThat(linkLocal.flags() & IfInet6Entry.FLAG_PERMANENT).isNotZero();

        IfInet6Entry loopback = entries.get(4);
        assertThat(loopback.scope()).isEqualTo(IfInet6Entry.SCOPE_HOST);
        assertThat(loopback.address().scope()).isEmpty();
    }

    @Test
    void readsHexIndexFlagsAndTentativeAddresses() {
        List<IfInet6Entry> entries = IfInet6Entry.parse(Fixtures.read("container-no-ipv6", "if_inet6")
                + Fixtures.read("tentative", "if_inet6"));
        assertThat(entries.get(1).interfaceIndex()).isEqualTo(0x2d);
        IfInet6Entry tentative = entries.get(2);
        assertThat(tentative.isTentative()).isTrue();
        assertThat(tentative.isUsable()).isFalse();
        assertThat(tentative.prefixLength()).isEqualTo(64);
    }

    @Test
    void skipsLinesTheKernelDoesNotWrite() {
        String text = String.join("\n",
                "",
                "garbage",
                "00000000000000000000000000000001 01 80 10 80",                  // no device
                "0000000000000000000000000000001 01 80 10 80 lo",                // 31 hex digits
                "0000000000000000000000000000000g 01 80 10 80 lo",               // not hex
                "00000000000000000000000000000001 01 81 10 80 lo",               // prefix 129
                "00000000000000000000000000000001 zz 80 10 80 lo",               // bad index
                "00000000000000000000000000000001 01 80 10 80 lo extra",         // 7 fields
                "00000000000000000000000000000001 01 80 10 80       lo",         // the one good line
                "\t  ");
        assertThat(IfInet6Entry.parse(text)).extracting(IfInet6Entry::toString).containsExactly("::1/128 on lo");
        assertThat(IfInet6Entry.parse("")).isEmpty();
    }
}
