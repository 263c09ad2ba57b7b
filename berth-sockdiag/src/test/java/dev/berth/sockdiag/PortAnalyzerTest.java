package dev.berth.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.berth.ip.IpAddress;
import dev.berth.ip.IpAddresses;
import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code diag port}: listeners of every family, the port's place in the ranges, and what bind() would do. */
class PortAnalyzerTest {

    private static IpAddress ip(String s) {
        return IpAddresses.forString(s);
    }

    private static List<String> tcpBinds(PortReport r) {
        return r.binds().stream().filter(b -> b.transport() == Transport.TCP)
                .map(b -> b.address() + " " + b.verdict().label()).toList();
    }

    @Test
    void addressesOverlapAsLinuxBindsThem() {
        assertThat(PortAnalyzer.overlaps(ip("0.0.0.0"), null, ip("127.0.0.1"), null)).isTrue();
        assertThat(PortAnalyzer.overlaps(ip("127.0.0.1"), null, ip("127.0.0.2"), null)).isFalse();
        assertThat(PortAnalyzer.overlaps(ip("::"), false, ip("0.0.0.0"), null)).as("dual-stack takes IPv4 too").isTrue();
        assertThat(PortAnalyzer.overlaps(ip("::"), true, ip("0.0.0.0"), null)).isFalse();
        assertThat(PortAnalyzer.overlaps(ip("::"), null, ip("10.0.0.1"), null)).as("unknown v6only counts as dual-stack").isTrue();
        assertThat(PortAnalyzer.overlaps(ip("::"), true, ip("::1"), null)).isTrue();
        assertThat(PortAnalyzer.overlaps(ip("0.0.0.0"), null, ip("::1"), null)).isFalse();
        assertThat(PortAnalyzer.overlaps(ip("::"), true, ip("::"), false)).isTrue();
        assertThat(PortAnalyzer.overlaps(ip("0.0.0.0"), null, ip("::"), true)).isFalse();
    }

    @Test
    void aDualStackListenerBlocksEveryAddressAnIpv6OnlyOneOnlyIpv6() throws Exception {
        PortReport dual = PortAnalyzer.analyze(Snapshots.hostA(Snapshots.details(new SocketDetail(1101, false, 0, 511))), 6379);
        assertThat(dual.listeners()).singleElement().satisfies(l -> assertThat(l.bindClass()).isEqualTo(BindClass.WILDCARD_DUAL_STACK));
        assertThat(dual.service().service()).isEqualTo("Redis");
        assertThat(tcpBinds(dual)).containsExactly("0.0.0.0 fails", "127.0.0.1 fails", "[::] dual-stack fails",
                "[::] IPv6-only fails", "::1 fails");
        assertThat(dual.binds().getFirst().reason()).startsWith("held by [::]:6379 wildcard-dual-stack (pid 555/redis-server)");
        assertThat(dual.binds().getFirst().error()).isEqualTo("EADDRINUSE");
        assertThat(dual.binds()).filteredOn(b -> b.transport() == Transport.UDP)
                .allSatisfy(b -> assertThat(b.verdict()).isEqualTo(BindVerdict.OK));

        PortReport v6only = PortAnalyzer.analyze(Snapshots.hostA(Snapshots.details(new SocketDetail(1101, true, 0, 511))), 6379);
        assertThat(tcpBinds(v6only)).containsExactly("0.0.0.0 ok", "127.0.0.1 ok", "[::] dual-stack fails",
                "[::] IPv6-only fails", "::1 fails");
    }

    @Test
    void loopbackListenersOfBothFamiliesAndTheOtherSocketsOnThePort() throws Exception {
        PortReport r = PortAnalyzer.analyze(Snapshots.hostA(Snapshots.noDetails()), 8080);
        assertThat(r.listeners()).extracting(l -> l.socket().local()).containsExactly("127.0.0.1:8080", "[::1]:8080");
        assertThat(r.localSockets()).containsExactly(Map.entry(TcpState.ESTABLISHED, 1), Map.entry(TcpState.TIME_WAIT, 1),
                Map.entry(TcpState.CLOSE_WAIT, 1));
        assertThat(r.connectionsTo()).containsExactly(Map.entry(TcpState.FIN_WAIT2, 1));
        assertThat(tcpBinds(r)).containsExactly("0.0.0.0 fails", "127.0.0.1 fails", "[::] dual-stack fails",
                "[::] IPv6-only fails", "::1 fails");
        assertThat(r.inEphemeralRange()).isFalse();
        assertThat(r.advice()).contains("8080 lies outside the ephemeral range 32768-60999: connect() never picks it by itself.");
    }

    @Test
    void aPortInTheEphemeralRangeHeldOnlyByTimeWaitMayFailAndShouldBeReserved() {
        Snapshot s = Snapshots.of(List.of(Snapshots.tcp("10.1.2.3", 50002, "10.0.0.5", 5432, TcpState.TIME_WAIT, 0)),
                Snapshots.kernel(PortRange.KERNEL_DEFAULT, PortSet.EMPTY));
        PortReport r = PortAnalyzer.analyze(s, 50002);
        assertThat(r.listeners()).isEmpty();
        assertThat(tcpBinds(r)).containsExactly("0.0.0.0 may_fail", "127.0.0.1 ok", "[::] dual-stack may_fail",
                "[::] IPv6-only ok", "::1 ok");
        assertThat(r.binds().getFirst().reason()).isEqualTo("1 socket uses the port locally (1 TIME_WAIT): bind() works only"
                + " if they and the new socket all set SO_REUSEADDR (the JDK and Netty set it on server sockets); TIME_WAIT"
                + " ones are gone within 60 s");
        assertThat(r.inEphemeralRange()).isTrue();
        assertThat(r.advice()).anySatisfy(a -> assertThat(a).startsWith("50002 lies inside the ephemeral range 32768-60999"
                + " and is not reserved"));
        PortReport reserved = PortAnalyzer.analyze(Snapshots.of(List.of(),
                Snapshots.kernel(PortRange.KERNEL_DEFAULT, PortSet.parse("50002"))), 50002);
        assertThat(reserved.reserved()).isTrue();
        assertThat(reserved.advice()).anySatisfy(a -> assertThat(a).contains("but is reserved"));
        assertThat(reserved.advice()).contains("Nothing in this network namespace uses port 50002 now.");
    }

    @Test
    void privilegedPortsNeedCapNetBindService() {
        PortReport r = PortAnalyzer.analyze(Snapshots.of(List.of(), Snapshots.kernel(PortRange.KERNEL_DEFAULT, PortSet.EMPTY)), 80);
        assertThat(r.privileged()).isTrue();
        assertThat(r.binds()).allSatisfy(b -> {
            assertThat(b.verdict()).isEqualTo(BindVerdict.MAY_FAIL);
            assertThat(b.error()).isEqualTo("EACCES");
        });
        assertThat(r.binds()).extracting(BindOutcome::transport, BindOutcome::address).contains(
                tuple(Transport.TCP, "0.0.0.0"), tuple(Transport.UDP, "::1"));
    }
}
