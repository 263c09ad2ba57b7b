package dev.berth.sockdiag;

import static dev.berth.sockdiag.Snapshots.T0;
import static dev.berth.sockdiag.Snapshots.connections;
import static dev.berth.sockdiag.Snapshots.kernel;
import static dev.berth.sockdiag.Snapshots.listen;
import static dev.berth.sockdiag.Snapshots.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.ip.IpAddresses;
import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.procfs.Counters;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.SocketOwners;
import dev.berth.sockdiag.procfs.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code diag sockets}' rules, each from a snapshot made for it, and the whole report of the {@code host-a} fixture. */
class SocketsAnalyzerTest {

    private static final PortRange TEN = new PortRange(50000, 50009);

    private static List<Finding> findings(SocketsReport r, String code) {
        return r.findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    @Test
    void hostAFixtureReport() throws Exception {
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.hostA(Snapshots.noDetails()));
        assertThat(r.tcpTotal()).isEqualTo(19);
        assertThat(r.tcpStates()).containsEntry(TcpState.LISTEN, 8).containsEntry(TcpState.ESTABLISHED, 4)
                .containsEntry(TcpState.TIME_WAIT, 4).containsEntry(TcpState.SYN_SENT, 1)
                .containsEntry(TcpState.CLOSE_WAIT, 1).containsEntry(TcpState.FIN_WAIT2, 1).containsEntry(TcpState.CLOSING, 0);
        assertThat(r.udpUnconnected()).isEqualTo(3);
        assertThat(r.udpConnected()).isEqualTo(1);
        assertThat(r.pool()).isEqualTo(new EphemeralPool(new PortRange(32768, 60999), true, 0, 1, 28231));
        assertThat(r.pressure()).extracting(DestinationPressure::describe, DestinationPressure::sockets).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.1.2.3 -> 10.0.0.5:5432", 5),
                org.assertj.core.groups.Tuple.tuple("10.1.2.3 -> 10.0.0.6:6379", 1),
                org.assertj.core.groups.Tuple.tuple("127.0.0.1 -> 127.0.0.1:8080", 1));
        DestinationPressure db = r.pressure().getFirst();
        assertThat(db.states()).containsExactly(Map.entry(TcpState.TIME_WAIT, 3), Map.entry(TcpState.ESTABLISHED, 2));
        assertThat(db.level()).isEqualTo(Level.INFO);
        assertThat(r.topTimeWait()).extracting(PeerCount::describe, PeerCount::timeWait).containsExactly(
                org.assertj.core.groups.Tuple.tuple("to 10.0.0.5:5432", 3), org.assertj.core.groups.Tuple.tuple("on 127.0.0.1:8080", 1));
        assertThat(r.timeWait().total()).isEqualTo(4);
        assertThat(r.timeWait().outbound()).isEqualTo(3);
        assertThat(r.timeWait().inbound()).isEqualTo(1);
        assertThat(r.timeWait().averageRemainingSeconds()).isEqualTo(59.9);
        assertThat(r.timeWait().created()).isEqualTo(1000);
        assertThat(r.timeWait().createdPerSecond()).isNull();

        assertThat(r.findings()).extracting(Finding::level, Finding::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "fd_limit"),
                org.assertj.core.groups.Tuple.tuple(Level.WARNING, "listen_queue"),
                org.assertj.core.groups.Tuple.tuple(Level.INFO, "close_wait"),
                org.assertj.core.groups.Tuple.tuple(Level.INFO, "listener_in_ephemeral_range"),
                org.assertj.core.groups.Tuple.tuple(Level.INFO, "orphaned_fin_wait2"));
        assertThat(findings(r, "fd_limit").getFirst().message()).isEqualTo("pid 777/java has 10 of 10 file descriptors open"
                + " (100%); at the limit accept() and connect() fail with EMFILE (\"Too many open files\")");
        assertThat(findings(r, "listen_queue").getFirst().message()).isEqualTo("listener 127.0.0.1:7100 (pid 777/java): 2"
                + " connections waiting to be accepted (backlog unknown) and TcpExtListenOverflows = 7 since boot");
        assertThat(findings(r, "close_wait").getFirst().message())
                .startsWith("1 connection in CLOSE_WAIT (1 on 127.0.0.1:8080 (pid 777/java)): the peer closed");
        assertThat(findings(r, "listener_in_ephemeral_range").getFirst().message()).contains("0.0.0.0:40000");
        assertThat(r.findings()).allSatisfy(f -> assertThat(f.advice()).isNotBlank());
        assertThat(r.settings()).extracting(SettingCheck::name).contains(KernelSettings.PORT_RANGE,
                KernelSettings.TCP_TW_REUSE, KernelSettings.TCP_TIMESTAMPS, KernelSettings.TCP_FIN_TIMEOUT,
                KernelSettings.TCP_MAX_TW_BUCKETS, KernelSettings.SOMAXCONN, KernelSettings.TCP_MAX_SYN_BACKLOG);
        assertThat(r.settings()).filteredOn(s -> s.name().equals(KernelSettings.TCP_FIN_TIMEOUT)).singleElement()
                .satisfies(s -> assertThat(s.meaning()).contains("does not shorten TIME_WAIT"));
        assertThat(r.counters()).extracting(CounterCheck::name).startsWith("TcpExtListenOverflows", "TcpExtListenDrops",
                "TcpExtTCPTimeWaitOverflow", "TcpExtTW");
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("listen backlogs unknown: a fixture"));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void exhaustionIsPerDestinationAHundredPercentForOneAndNothingForAnother() {
        List<SocketEntry> tcp = new ArrayList<>(List.of(listen("127.0.0.1", 7001, 1), listen("127.0.0.1", 7002, 2)));
        tcp.addAll(connections("127.0.0.1", 50000, "127.0.0.1", 7001, 10, TcpState.ESTABLISHED));
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
        assertThat(r.pool().usable()).isEqualTo(10);
        assertThat(r.pressure()).singleElement().satisfies(p -> {
            assertThat(p.describe()).isEqualTo("127.0.0.1 -> 127.0.0.1:7001");
            assertThat(p.percent()).isEqualTo(100.0);
            assertThat(p.level()).isEqualTo(Level.CRITICAL);
        });
        assertThat(findings(r, "port_pressure")).singleElement().satisfies(f -> {
            assertThat(f.message()).startsWith("127.0.0.1 -> 127.0.0.1:7001 uses 10 of 10 usable ephemeral ports (100%):"
                    + " 10 ESTABLISHED; when none is left, connect() from 127.0.0.1 to 127.0.0.1:7001 fails with EADDRNOTAVAIL");
            assertThat(f.advice()).isEqualTo(SocketsAnalyzer.ADVICE_ESTABLISHED);
        });
        assertThat(findings(r, "bind_before_connect")).as("one destination is not bind-before-connect").isEmpty();
        // The inbound side of those loopback connections uses the listener's port, not the pool.
        assertThat(r.topEstablished()).extracting(PeerCount::describe).containsExactly("to 127.0.0.1:7001");
    }

    @Test
    void thresholdsAreSeventyAndNinetyPercent() {
        for (int n : new int[] {6, 7, 8, 9}) {
            List<SocketEntry> tcp = connections("10.0.0.1", 50000, "10.0.0.2", 80, n, TcpState.TIME_WAIT);
            SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
            assertThat(r.pressure().getFirst().level()).as(n + " of 10")
                    .isEqualTo(n < 7 ? Level.INFO : n < 9 ? Level.WARNING : Level.CRITICAL);
        }
    }

    @Test
    void reservedPortsAndListenersInTheRangeShrinkThePool() {
        List<SocketEntry> tcp = List.of(listen("0.0.0.0", 50005, 1), listen("::", 50005, 2), listen("0.0.0.0", 50009, 3),
                listen("0.0.0.0", 50000, 4));
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.parse("50000-50001"))));
        assertThat(r.pool()).isEqualTo(new EphemeralPool(TEN, true, 2, 2, 6));
        assertThat(findings(r, "listener_in_ephemeral_range")).singleElement().satisfies(f ->
                assertThat(f.message()).startsWith("3 listeners inside the ephemeral range 50000-50009 and not reserved:"
                        + " 0.0.0.0:50005, 0.0.0.0:50009, [::]:50005"));
    }

    @Test
    void bindBeforeConnectIsFlaggedWhenNoPortServesTwoDestinations() {
        List<SocketEntry> tcp = new ArrayList<>(List.of(listen("127.0.0.1", 7001, 1), listen("127.0.0.1", 7002, 2)));
        tcp.addAll(connections("127.0.0.1", 50000, "127.0.0.1", 7001, 5, TcpState.ESTABLISHED));
        tcp.addAll(connections("127.0.0.1", 50005, "127.0.0.1", 7002, 5, TcpState.ESTABLISHED));
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
        assertThat(findings(r, "bind_before_connect")).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Level.CRITICAL);
            assertThat(f.message()).startsWith("127.0.0.1 holds 10 of 10 usable ephemeral ports (100%) across 2"
                    + " destinations and no port serves two destinations");
            assertThat(f.advice()).contains("IP_BIND_ADDRESS_NO_PORT");
        });
        assertThat(r.pressure()).allSatisfy(p -> assertThat(p.percent()).isEqualTo(50.0));
    }

    @Test
    void portsSharedBetweenDestinationsClearTheBindBeforeConnectFlag() {
        // IP_BIND_ADDRESS_NO_PORT (or plain connect): 10 to 7001 and one more to 7002 on a port 7001 already uses.
        List<SocketEntry> tcp = new ArrayList<>(List.of(listen("127.0.0.1", 7001, 1), listen("127.0.0.1", 7002, 2)));
        tcp.addAll(connections("127.0.0.1", 50000, "127.0.0.1", 7001, 10, TcpState.ESTABLISHED));
        tcp.add(tcp("127.0.0.1", 50003, "127.0.0.1", 7002, TcpState.ESTABLISHED, 99));
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
        assertThat(findings(r, "bind_before_connect")).isEmpty();
        assertThat(r.pressure()).extracting(DestinationPressure::percent).containsExactly(100.0, 10.0);
    }

    @Test
    void watchTurnsNewTimeWaitIntoConnectionsPerSecondAndTuplesNeeded() {
        PortRange thousand = new PortRange(50000, 50999);
        KernelSettings k = kernel(thousand, PortSet.EMPTY);
        Snapshot before = Snapshots.of(T0, connections("10.1.2.3", 50000, "10.0.0.5", 5432, 5, TcpState.TIME_WAIT), k,
                Counters.of(Map.of("TcpExtTW", 100L)), Snapshots.noDetails(), SocketOwners.NONE);
        List<SocketEntry> after = new ArrayList<>(connections("10.1.2.3", 50000, "10.0.0.5", 5432, 5, TcpState.TIME_WAIT));
        after.addAll(connections("10.1.2.3", 50100, "10.0.0.5", 5432, 30, TcpState.TIME_WAIT));
        after.addAll(connections("10.1.2.3", 50200, "10.0.0.9", 80, 2, TcpState.TIME_WAIT));
        Snapshot now = Snapshots.of(T0.plusSeconds(2), after, k, Counters.of(Map.of("TcpExtTW", 132L)), Snapshots.noDetails(),
                SocketOwners.NONE);
        SocketsReport r = SocketsAnalyzer.analyze(now, before);
        assertThat(r.interval()).hasSeconds(2);
        assertThat(r.timeWait().createdPerSecond()).isEqualTo(16.0);
        assertThat(r.churn()).hasSize(2);
        ChurnRate db = r.churn().getFirst();
        assertThat(db.newTimeWait()).isEqualTo(30);
        assertThat(db.perSecond()).isEqualTo(15.0);
        assertThat(db.tuplesNeeded()).isEqualTo(900);
        assertThat(db.percent()).isEqualTo(90.0);
        assertThat(db.level()).isEqualTo(Level.CRITICAL);
        assertThat(r.churn().get(1).tuplesNeeded()).isEqualTo(60);
        assertThat(findings(r, "time_wait_churn")).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo(
                "15.0 new connections/s to 10.0.0.5:5432 (from 10.1.2.3) each leave a TIME_WAIT for 60 s: that needs 900"
                + " tuples of 1,000 usable (90%)"));
        assertThat(r.counters()).filteredOn(c -> c.name().equals("TcpExtTW")).singleElement()
                .satisfies(c -> assertThat(c.delta()).isEqualTo(32));
        // tcp_tw_reuse=2 helps only loopback: these destinations are not.
        assertThat(findings(r, "tw_reuse")).singleElement().satisfies(f ->
                assertThat(f.message()).isEqualTo("net.ipv4.tcp_tw_reuse = 2 (loopback only) while outgoing TIME_WAIT"
                        + " fills a destination's ports"));
    }

    @Test
    void aFullAcceptQueueNamesItsListenerAndProcess() {
        List<SocketEntry> tcp = List.of(Snapshots.entry(dev.berth.sockdiag.procfs.Transport.TCP, "127.0.0.1", 7100,
                "0.0.0.0", 0, TcpState.LISTEN, 1004, 1), listen("127.0.0.1", 7200, 1005));
        Counters before = Counters.of(Map.of("TcpExtListenOverflows", 4L, "TcpExtListenDrops", 4L));
        Counters after = Counters.of(Map.of("TcpExtListenOverflows", 7L, "TcpExtListenDrops", 7L));
        var details = Snapshots.details(new SocketDetail(1004, null, 1, 0), new SocketDetail(1005, null, 0, 4096));
        KernelSettings k = kernel(PortRange.KERNEL_DEFAULT, PortSet.EMPTY);
        Snapshot s0 = Snapshots.of(T0, tcp, k, before, details, Snapshots.owner(1004, 4711, "java"));
        Snapshot s1 = Snapshots.of(T0.plusSeconds(1), tcp, k, after, details, Snapshots.owner(1004, 4711, "java"));
        SocketsReport r = SocketsAnalyzer.analyze(s1, s0);
        assertThat(findings(r, "listen_queue_full")).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Level.CRITICAL);
            assertThat(f.message()).isEqualTo("listener 127.0.0.1:7100 (pid 4711/java): accept queue full, 1 connection"
                    + " waiting with backlog 0: new SYNs are dropped (TcpExtListenOverflows grew by 3 in 1.0 s)");
            assertThat(f.advice()).contains("accept faster", "net.core.somaxconn = 4096");
        });
        assertThat(findings(r, "listen_overflows")).isEmpty();
        assertThat(r.counters().getFirst()).satisfies(c -> {
            assertThat(c.name()).isEqualTo("TcpExtListenOverflows");
            assertThat(c.delta()).isEqualTo(3);
            assertThat(c.level()).isEqualTo(Level.WARNING);
        });
    }

    @Test
    void timeWaitOverflowAndSettingsThatWorkAgainstTheTraffic() {
        KernelSettings k = new KernelSettings(TEN, PortSet.EMPTY, 1024, 0, 0, 30, 3, 128, 128, 0, 0, 0);
        List<SocketEntry> tcp = connections("127.0.0.1", 50000, "127.0.0.1", 7003, 3, TcpState.TIME_WAIT);
        Snapshot s = Snapshots.of(T0, tcp, k, Counters.of(Map.of("TcpExtTCPTimeWaitOverflow", 5L)), Snapshots.noDetails(),
                SocketOwners.NONE);
        SocketsReport r = SocketsAnalyzer.analyze(s);
        assertThat(findings(r, "time_wait_overflow")).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Level.WARNING);
            assertThat(f.message()).startsWith("TcpExtTCPTimeWaitOverflow = 5: TIME_WAIT sockets were not created because"
                    + " net.ipv4.tcp_max_tw_buckets (3) was reached");
        });
        assertThat(findings(r, "time_wait_buckets")).singleElement().satisfies(f -> assertThat(f.level()).isEqualTo(Level.CRITICAL));
        assertThat(findings(r, "timestamps_off")).hasSize(1);
        assertThat(findings(r, "fin_timeout_changed")).singleElement().satisfies(f ->
                assertThat(f.message()).contains("TIME_WAIT still lasts 60 s"));
        assertThat(r.settings()).filteredOn(c -> c.name().equals(KernelSettings.SOMAXCONN)).singleElement()
                .satisfies(c -> assertThat(c.level()).isEqualTo(Level.WARNING));
        assertThat(r.settings()).filteredOn(c -> c.name().equals(KernelSettings.TCP_SYNCOOKIES)).singleElement()
                .satisfies(c -> assertThat(c.level()).isEqualTo(Level.WARNING));
        assertThat(r.settings()).filteredOn(c -> c.name().equals(KernelSettings.PORT_RANGE)).singleElement()
                .satisfies(c -> assertThat(c.level()).isEqualTo(Level.WARNING));
    }

    @Test
    void timeWaitDominatedPressureGetsTheTimeWaitAdviceAndLoopbackReuseIsEnough() {
        List<SocketEntry> tcp = connections("127.0.0.1", 50000, "127.0.0.1", 7003, 10, TcpState.TIME_WAIT);
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
        assertThat(findings(r, "port_pressure")).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("10 TIME_WAIT");
            assertThat(f.advice()).isEqualTo(SocketsAnalyzer.ADVICE_TIME_WAIT);
        });
        assertThat(findings(r, "tw_reuse")).as("tcp_tw_reuse=2 covers loopback").isEmpty();
    }

    @Test
    void mixedStatesAreDescribedWithShares() {
        List<SocketEntry> tcp = new ArrayList<>(connections("10.0.0.1", 50000, "10.0.0.2", 80, 9, TcpState.TIME_WAIT));
        tcp.add(tcp("10.0.0.1", 50009, "10.0.0.2", 80, TcpState.ESTABLISHED, 5));
        SocketsReport r = SocketsAnalyzer.analyze(Snapshots.of(tcp, kernel(TEN, PortSet.EMPTY)));
        assertThat(findings(r, "port_pressure").getFirst().message())
                .contains("(100%): 9 TIME_WAIT (90%), 1 ESTABLISHED (10%)");
        assertThat(r.pressure().getFirst().source()).isEqualTo(IpAddresses.forString("10.0.0.1"));
    }
}
