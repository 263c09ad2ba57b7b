package dev.berth.ip.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv6RouteEntryTest {

    @Test
    void parsesTheRoutingTableAsIpShowsIt() {
        List<Ipv6RouteEntry> routes = Ipv6RouteEntry.parse(Fixtures.read("dual-stack-slaac", "ipv6_route"));
        assertThat(routes).extracting(Ipv6RouteEntry::toString).containsExactly(
                "2001:db8:0:1234::/64 dev wlp2s0",
                "fe80::/64 dev wlp2s0",
                "fe80::/64 dev docker0",
                "default via fe80::1 dev wlp2s0",
                "::1/128 dev lo",
                "2001:db8:0:1234:211:22ff:fe33:4455/128 dev wlp2s0",
                "2001:db8:0:1234:50d3:a1f2:c4e5:b6a7/128 dev wlp2s0",
                "fe80::211:22ff:fe33:4455/128 dev wlp2s0",
                "ff00::/8 dev wlp2s0",
                "unreachable default dev lo");
        Ipv6RouteEntry viaRouter = routes.get(3);
        assertThat(viaRouter.isDefault()).isTrue();
        assertThat(viaRouter.hasGateway()).isTrue();
        assertThat(viaRouter.metric()).isEqualTo(600);
        assertThat(viaRouter.flags()).isEqualTo(0x00450003);
        assertThat(viaRouter.isUsableDefault()).isTrue();

        Ipv6RouteEntry kernelUnreachable = routes.get(9);
        assertThat(kernelUnreachable.isDefault()).isTrue();
        assertThat(kernelUnreachable.isReject()).isTrue();
        assertThat(kernelUnreachable.metric()).isEqualTo(0xffffffffL);
        assertThat(kernelUnreachable.isUsableDefault()).isFalse();

        assertThat(routes.stream().filter(Ipv6RouteEntry::isUsableDefault)).containsExactly(viaRouter);
    }

    @Test
    void aRejectDefaultOnARealInterfaceIsNotUsable() {
        List<Ipv6RouteEntry> routes = Ipv6RouteEntry.parse(Fixtures.read("unreachable-default", "ipv6_route"));
        assertThat(routes.get(1).toString()).isEqualTo("unreachable default dev eth0");
        assertThat(routes.stream().filter(Ipv6RouteEntry::isUsableDefault)).isEmpty();
    }

    @Test
    void aDefaultWithoutGatewayIsUsable() {
        List<Ipv6RouteEntry> routes = Ipv6RouteEntry.parse(Fixtures.read("wireguard-default", "ipv6_route"));
        assertThat(routes.get(1).toString()).isEqualTo("default dev wg0");
        assertThat(routes.get(1).isUsableDefault()).isTrue();
    }

    @Test
    void skipsLinesTheKernelDoesNotWrite() {
        String good = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0";
        String text = String.join("\n",
                "",
                "nonsense",
                good.replace(" 00 00000000", " 81 00000000"),    // destination length 129
                good.replace("fe80", "fg80"),                   // next hop not hex
                good.replace("00000003", "xyz"),                // flags not hex
                good.replace("     eth0", ""),                  // 9 fields
                good);
        assertThat(Ipv6RouteEntry.parse(text)).extracting(Ipv6RouteEntry::toString).containsExactly("default via fe80::1 dev eth0");
    }
}
