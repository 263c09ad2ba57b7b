package dev.berth.ip.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv6ProbeTest {

    /** Sockets that work, so only the procfs answer varies. */
    private static final Ipv6Sockets WORKING = new Ipv6Sockets() {
        @Override
        public void openSocket() {}

        @Override
        public int bindLoopback() {
            return 40001;
        }
    };

    private static ProbeAnswer globalFrom(String fixture) {
        return new Ipv6Probe(ProcNet.of(Fixtures.dir(fixture)), WORKING).run().global();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "container-no-ipv6   | false | no global IPv6 address (only ::1 on lo and fe80::42:acff:fe11:2 on eth0)",
        "dual-stack-slaac    | true  | global IPv6 address 2001:db8:0:1234:211:22ff:fe33:4455/64 on wlp2s0 and a default route via fe80::1 on wlp2s0",
        "ula-static          | true  | global IPv6 address fd00::2/64 on eth0 and a default route via fd00::1 on eth0; it is unique-local (fc00::/7): it reaches the site, and the internet only through NAT66",
        "tentative           | false | global IPv6 address 2001:db8::5/64 on ens3 is tentative: duplicate address detection has not finished",
        "no-default-route    | false | global IPv6 address 2001:db8:0:aa::10/64 on eth1, but no default IPv6 route (only on-link destinations are reachable)",
        "unreachable-default | false | global IPv6 address 2001:db8:0:bb::20/64 on eth0, but no default IPv6 route (only on-link destinations are reachable)",
        "wireguard-default   | true  | global IPv6 address 2001:db8:0:cc::2/128 on wg0 and a default route on wg0",
    })
    void globalAnswerFromProcNetFixtures(String fixture, boolean yes, String reason) {
        ProbeAnswer answer = globalFrom(fixture);
        assertThat(answer.reason()).isEqualTo(reason);
        assertThat(answer.yes()).isEqualTo(yes);
    }

    @Test
    void kernelWithoutIpv6HasNeitherFile(@TempDir Path empty) {
        ProbeAnswer answer = new Ipv6Probe(ProcNet.of(empty), WORKING).run().global();
        assertThat(answer).isEqualTo(new ProbeAnswer(false, "/proc/net/if_inet6 does not exist: the kernel has IPv6 turned off"));
    }

    @Test
    void addressesButNoRouteFile() {
        ProbeAnswer answer = new Ipv6Probe(ProcNet.of(Fixtures.read("no-default-route", "if_inet6"), null), WORKING).run().global();
        assertThat(answer.toString()).isEqualTo("no: global IPv6 address 2001:db8:0:aa::10/64 on eth1, but /proc/net/ipv6_route does not exist");
    }

    @Test
    void noAddressesAtAll() {
        assertThat(new Ipv6Probe(ProcNet.of("", ""), WORKING).run().global().reason())
                .isEqualTo("no IPv6 address on any interface");
    }

    @Test
    void aFailedDuplicateAddressDetectionIsNamed() {
        String addresses = "20010db8000000000000000000000005 02 40 00 c8     ens3\n"
                + "20010db8000000000000000000000006 02 40 00 c8     ens3\n";
        ProbeAnswer answer = Ipv6Probe.global(IfInet6Entry.parse(addresses),
                Optional.of(Ipv6RouteEntry.parse(Fixtures.read("tentative", "ipv6_route"))));
        assertThat(answer.reason()).isEqualTo("global IPv6 address 2001:db8::5/64 on ens3 is unusable: duplicate address "
                + "detection failed (another host has it) (and 1 more not usable)");
    }

    @Test
    void longListsOfAddressesAreShortened() {
        StringBuilder text = new StringBuilder("00000000000000000000000000000001 01 80 10 80       lo\n");
        for (int i = 1; i <= 6; i++) {
            text.append(String.format("fe80000000000000000000000000000%d %02x 40 20 80    veth%d%n", i, i + 1, i));
        }
        ProbeAnswer answer = Ipv6Probe.global(IfInet6Entry.parse(text.toString()), Optional.of(List.of()));
        assertThat(answer.reason()).isEqualTo(
                "no global IPv6 address (only ::1 on lo, fe80::1 on veth1, fe80::2 on veth2, fe80::3 on veth3 and 3 more)");
    }

    @Test
    void stableAddressesArePreferredOverTemporaryAndPublicOverUniqueLocal() {
        String addresses = "fd000000000000000000000000000002 02 40 00 80     eth0\n"
                + "20010db8000000000000000000000077 02 40 00 01     eth0\n"
                + "20010db8000000000000000000000005 02 40 00 80     eth0\n";
        ProbeAnswer answer = Ipv6Probe.global(IfInet6Entry.parse(addresses),
                Optional.of(Ipv6RouteEntry.parse(Fixtures.read("tentative", "ipv6_route"))));
        assertThat(answer.reason()).startsWith("global IPv6 address 2001:db8::5/64 on eth0 and a default route via 2001:db8::1 on ens3");
    }

    // ---- the socket answers, with fakes -----------------------------------------------------

    private static Ipv6Sockets failing(Exception onOpen, Exception onBind) {
        return new Ipv6Sockets() {
            @Override
            public void openSocket() throws Exception {
                if (onOpen != null) {
                    throw onOpen;
                }
            }

            @Override
            public int bindLoopback() throws Exception {
                if (onBind != null) {
                    throw onBind;
                }
                return 40001;
            }
        };
    }

    private static Ipv6ProbeReport report(Ipv6Sockets sockets) {
        return new Ipv6Probe(ProcNet.of(Fixtures.dir("container-no-ipv6")), sockets).run();
    }

    @Test
    void allThreeAnswersAreIndependent() {
        Ipv6ProbeReport r = report(WORKING);
        assertThat(r.sockets()).hasToString("yes: AF_INET6 sockets can be created");
        assertThat(r.loopback()).hasToString("yes: bound a TCP socket to [::1]:40001 (and closed it)");
        assertThat(r.global().yes()).isFalse();
    }

    @Test
    void kernelWithoutIpv6Sockets() {
        Ipv6ProbeReport r = report(failing(new SocketException("Address family not supported by protocol"), null));
        assertThat(r.sockets()).hasToString("no: cannot create an AF_INET6 socket (Address family not supported by "
                + "protocol): IPv6 is disabled in the kernel (ipv6.disable=1) or not built in");
        assertThat(r.loopback()).hasToString("no: no AF_INET6 sockets, so nothing to bind");
    }

    @Test
    void jvmWithIpv6TurnedOff() {
        Ipv6ProbeReport r = report(failing(new UnsupportedOperationException("IPv6 not available"), null));
        assertThat(r.sockets()).hasToString("no: this JVM has IPv6 turned off (IPv6 not available; is "
                + "-Djava.net.preferIPv4Stack=true set?)");
    }

    @Test
    void loopbackWithoutIpv6() {
        Ipv6ProbeReport r = report(failing(null, new BindException("Cannot assign requested address")));
        assertThat(r.sockets().yes()).isTrue();
        assertThat(r.loopback()).hasToString("no: cannot bind [::1] (Cannot assign requested address): ::1 is not "
                + "configured; is net.ipv6.conf.lo.disable_ipv6 set to 1?");
    }

    @Test
    void unreadableProcNetIsAnAnswerNotAnException() {
        ProcNet broken = new ProcNet() {
            @Override
            public Optional<String> ifInet6() throws IOException {
                throw new IOException("Permission denied\nsecond line");
            }

            @Override
            public Optional<String> ipv6Route() {
                return Optional.empty();
            }
        };
        assertThat(new Ipv6Probe(broken, WORKING).run().global())
                .hasToString("no: cannot read /proc/net (Permission denied second line)");
    }

    @Test
    void reasonsAreOneLine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ProbeAnswer(true, "a\nb"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The real host: whatever it has, three one-line answers and no exception. */
    @Test
    void probesThisHost() {
        Ipv6ProbeReport r = Ipv6Probe.system().run();
        List<ProbeAnswer> answers = new ArrayList<>(List.of(r.sockets(), r.loopback(), r.global()));
        for (ProbeAnswer a : answers) {
            assertThat(a.reason()).isNotBlank().doesNotContain("\n");
        }
        if (!r.sockets().yes()) {
            assertThat(r.loopback().yes()).isFalse();
        }
    }
}
