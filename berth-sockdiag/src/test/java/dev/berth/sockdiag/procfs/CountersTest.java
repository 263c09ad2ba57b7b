package dev.berth.sockdiag.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Counter files in pairs of name and value lines, named the nstat way. */
class CountersTest {

    @Test
    void netstatAndSnmpAreReadUnderNstatNames() {
        ParseResult<Counters> netstat = Counters.parse(Fixtures.text("procfs/netstat"), "netstat");
        ParseResult<Counters> snmp = Counters.parse(Fixtures.text("procfs/snmp"), "snmp");
        assertThat(netstat.problems()).isEmpty();
        assertThat(snmp.problems()).isEmpty();
        Counters all = snmp.value().with(netstat.value());
        assertThat(all.get("TcpExtListenOverflows")).isPresent();
        assertThat(all.get("TcpExtTW")).isPresent();
        assertThat(all.get("TcpActiveOpens")).isPresent();
        assertThat(all.get("TcpMaxConn").getAsLong()).as("signed values").isEqualTo(-1);
        assertThat(all.get("IpExtInOctets")).isPresent();
        assertThat(all.get("NoSuchCounter")).isEmpty();
        assertThat(all.value("NoSuchCounter")).isZero();
    }

    @Test
    void mismatchedAndNonNumericLinesAreNamedAndTheRestKept() {
        ParseResult<Counters> r = Counters.parse(Fixtures.text("procfs/netstat-bad"), "netstat");
        assertThat(r.value().asMap()).containsEntry("TcpExtSyncookiesSent", 0L).containsEntry("TcpExtListenOverflows", 12L)
                .containsEntry("TcpExtTW", 40L).containsEntry("MPTcpExtA", 1L).containsEntry("MPTcpExtB", 2L)
                .doesNotContainKey("TcpExtListenDrops");
        assertThat(r.problems()).containsExactly(
                "netstat line 2: TcpExtListenDrops value 'x' is not a number",
                "netstat line 4: expected the values of IpExt, found 'TcpExt: 1 2'",
                "netstat line 5: expected the values of TcpExt, found 'MPTcpExt: A B C'",
                "netstat line 6: 2 values for 3 MPTcpExt names",
                "netstat line 7: no 'Prefix:' at the start: 'not a counter line'");
    }

    @Test
    void deltaIsGrowthAndEmptyOnAReset() {
        Counters before = Counters.of(java.util.Map.of("TcpExtTW", 100L, "TcpExtTWRecycled", 50L));
        Counters after = Counters.of(java.util.Map.of("TcpExtTW", 160L, "TcpExtTWRecycled", 10L));
        assertThat(after.delta(before, "TcpExtTW").getAsLong()).isEqualTo(60);
        assertThat(after.delta(before, "TcpExtTWRecycled")).isEmpty();
        assertThat(after.delta(before, "Missing")).isEmpty();
    }

    @Test
    void hugeUnsignedValuesAreClampedNotRejected() {
        ParseResult<Counters> r = Counters.parse("IpExt: InOctets\nIpExt: 18446744073709551615\n", "netstat");
        assertThat(r.problems()).isEmpty();
        assertThat(r.value().value("IpExtInOctets")).isEqualTo(Long.MAX_VALUE);
    }
}
