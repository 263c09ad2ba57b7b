package dev.berth.sockdiag.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.ip.IpAddress;
import dev.berth.ip.IpAddresses;
import dev.berth.ip.IpFamily;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket tables parsed from fixture text: addresses in both byte orders, every state, bad lines named. */
class SocketTableTest {

    private static IpAddress ip(String text) {
        return IpAddresses.forString(text);
    }

    private static ParseResult<List<SocketEntry>> parse(String fixture, Transport t, IpFamily f, ByteOrder order) {
        return SocketTable.parse(Fixtures.text("procfs/" + fixture), t, f, order, fixture);
    }

    @Test
    void everyStateIsReadWithAddressesPortsAndInodes() {
        ParseResult<List<SocketEntry>> r = parse("tcp-every-state", Transport.TCP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN);
        assertThat(r.problems()).isEmpty();
        assertThat(r.value()).extracting(SocketEntry::state).containsExactly(
                TcpState.ESTABLISHED, TcpState.SYN_SENT, TcpState.SYN_RECV, TcpState.FIN_WAIT1, TcpState.FIN_WAIT2,
                TcpState.TIME_WAIT, TcpState.CLOSE, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.LISTEN, TcpState.CLOSING);
        SocketEntry first = r.value().getFirst();
        assertThat(first.localAddress()).isEqualTo(ip("192.168.1.20"));
        assertThat(first.localPort()).isEqualTo(40000);
        assertThat(first.remoteAddress()).isEqualTo(ip("10.0.0.5"));
        assertThat(first.remotePort()).isEqualTo(443);
        assertThat(first.inode()).isEqualTo(5000);
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.table()).isEqualTo(IpFamily.IPV4);
        SocketEntry timeWait = r.value().get(5);
        assertThat(timeWait.inode()).as("TIME_WAIT has no inode").isZero();
        assertThat(timeWait.timer()).isEqualTo(3);
        assertThat(timeWait.timerTicks()).as("a fresh TIME_WAIT: about 60 s in ticks").isEqualTo(0x176A);
        assertThat(timeWait.local()).isEqualTo("192.168.1.20:40005");
    }

    @Test
    void aTableFromABigEndianMachineReadsTheSameWithItsByteOrder() {
        ParseResult<List<SocketEntry>> little = parse("tcp-every-state", Transport.TCP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN);
        ParseResult<List<SocketEntry>> big = parse("tcp-every-state-big-endian", Transport.TCP, IpFamily.IPV4, ByteOrder.BIG_ENDIAN);
        assertThat(big.problems()).isEmpty();
        assertThat(big.value()).extracting(SocketEntry::localAddress, SocketEntry::remoteAddress, SocketEntry::state)
                .isEqualTo(little.value().stream().map(s -> org.assertj.core.groups.Tuple.tuple(s.localAddress(),
                        s.remoteAddress(), s.state())).toList());
        // Read with the wrong byte order, the addresses come out reversed: the classic bug.
        ParseResult<List<SocketEntry>> wrong = parse("tcp-every-state", Transport.TCP, IpFamily.IPV4, ByteOrder.BIG_ENDIAN);
        assertThat(wrong.value().getFirst().localAddress()).isEqualTo(ip("20.1.168.192"));
    }

    @Test
    void ipv6WordsAreByteSwappedPerWordAndMappedAddressesReadAsIpv4() {
        ParseResult<List<SocketEntry>> r = parse("tcp6-mixed", Transport.TCP, IpFamily.IPV6, ByteOrder.LITTLE_ENDIAN);
        assertThat(r.problems()).isEmpty();
        List<SocketEntry> rows = r.value();
        assertThat(rows.get(0).localAddress()).isEqualTo(ip("::"));
        assertThat(rows.get(0).state()).isEqualTo(TcpState.LISTEN);
        assertThat(rows.get(0).localPort()).isEqualTo(6379);
        assertThat(rows.get(1).localAddress()).isEqualTo(ip("::1"));
        assertThat(rows.get(2).localAddress()).as("::ffff:127.0.0.1 is IPv4 traffic").isEqualTo(ip("127.0.0.1"));
        assertThat(rows.get(2).remoteAddress()).isEqualTo(ip("127.0.0.1"));
        assertThat(rows.get(2).table()).isEqualTo(IpFamily.IPV6);
        assertThat(rows.get(3).localAddress()).isEqualTo(ip("2001:db8::1"));
        assertThat(rows.get(3).remoteAddress()).isEqualTo(ip("2001:db8:0:0:1::2"));
        assertThat(rows.get(3).remote()).isEqualTo("[2001:db8::1:0:0:2]:51000");
        assertThat(rows.get(4).localAddress()).isEqualTo(ip("fe80::1"));
        assertThat(rows.get(4).state()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void udpRowsShareTheFirstTenFieldsAndUnconnectedOnesListen() {
        ParseResult<List<SocketEntry>> v4 = parse("udp", Transport.UDP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN);
        ParseResult<List<SocketEntry>> v6 = parse("udp6", Transport.UDP, IpFamily.IPV6, ByteOrder.LITTLE_ENDIAN);
        assertThat(v4.problems()).isEmpty();
        assertThat(v6.problems()).isEmpty();
        assertThat(v4.value()).extracting(SocketEntry::isListening).containsExactly(true, false);
        assertThat(v4.value().getFirst().localPort()).isEqualTo(11211);
        assertThat(v4.value().get(1).remote()).isEqualTo("8.8.8.8:53");
        assertThat(v6.value().get(0).local()).isEqualTo("[::]:5353");
        assertThat(v6.value().get(1).local()).isEqualTo("10.1.2.3:40002");
        assertThat(v6.value().get(1).transport()).isEqualTo(Transport.UDP);
    }

    @Test
    void badLinesAreSkippedAndEachProblemNamesItsLine() {
        ParseResult<List<SocketEntry>> r = parse("tcp-garbage", Transport.TCP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN);
        assertThat(r.value()).extracting(SocketEntry::line, SocketEntry::localPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 8080), org.assertj.core.groups.Tuple.tuple(7, 9090));
        assertThat(r.problems()).hasSize(7);
        assertThat(r.problems().get(0)).startsWith("tcp-garbage line 3: truncated: 5 fields (expected at least 10)");
        assertThat(r.problems().get(1)).startsWith("tcp-garbage line 4: local_address address '0100007Z' is not 8 hex digits");
        assertThat(r.problems().get(2)).startsWith("tcp-garbage line 5: st 'FF' is not a socket state (01-0D)");
        assertThat(r.problems().get(3)).startsWith("tcp-garbage line 6: sl 'this' is not a row number and a colon");
        assertThat(r.problems().get(4)).startsWith("tcp-garbage line 8: local_address port '1F9' is not 4 hex digits");
        assertThat(r.problems().get(5)).startsWith("tcp-garbage line 9: inode '-5' is not an unsigned decimal number");
        assertThat(r.problems().get(6)).startsWith("tcp-garbage line 11: uid 'x' is not an unsigned decimal number");
        assertThat(r.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n", "\r"));
    }

    @Test
    void headerAnywhereBlankLinesAndNoTrailingNewlineAreFine() {
        String row = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 42";
        for (String text : List.of(row, row + "\n", "\n\n" + row + "   \n\n",
                "  sl  local_address rem_address   st\n" + row, row + "\n  sl  local_address\n")) {
            ParseResult<List<SocketEntry>> r = SocketTable.parse(text, Transport.TCP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN, "tcp");
            assertThat(r.problems()).as(text).isEmpty();
            assertThat(r.value()).as(text).singleElement().satisfies(s -> {
                assertThat(s.local()).isEqualTo("127.0.0.1:8080");
                assertThat(s.inode()).isEqualTo(42);
            });
        }
        assertThat(SocketTable.parse("", Transport.TCP, IpFamily.IPV4).value()).isEmpty();
    }

    @Test
    void anIpv6AddressInTheIpv4TableIsAProblem() {
        String row = "   0: 00000000000000000000000001000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1";
        ParseResult<List<SocketEntry>> r = SocketTable.parse(row, Transport.TCP, IpFamily.IPV4, ByteOrder.LITTLE_ENDIAN, "tcp");
        assertThat(r.value()).isEmpty();
        assertThat(r.problems()).singleElement().asString().startsWith("tcp line 1: local_address address");
    }

    @Test
    void portableDecodingMatchesTheNativeOrderOfThisMachine() {
        byte[] loopback = {127, 0, 0, 1};
        int asPrinted = java.nio.ByteBuffer.wrap(loopback).order(ByteOrder.nativeOrder()).getInt();
        String row = String.format("   0: %08X:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1", asPrinted);
        SocketEntry s = SocketTable.parse(row, Transport.TCP, IpFamily.IPV4).value().getFirst();
        assertThat(s.localAddress().toBytes()).isEqualTo(loopback);
        assertThat(Arrays.toString(s.localAddress().toBytes())).isEqualTo("[127, 0, 0, 1]");
    }
}
