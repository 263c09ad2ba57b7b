package dev.berth.sockdiag.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sysctls: the port range and reserved ports in the kernel's own text forms, integers, and what is missing. */
class KernelSettingsTest {

    @Test
    void readsEverySettingOfTheFixture() throws Exception {
        ParseResult<KernelSettings> r = KernelSettings.read(Procfs.at(Fixtures.path("host-a")));
        assertThat(r.problems()).isEmpty();
        KernelSettings k = r.value();
        assertThat(k.portRange()).isEqualTo(new PortRange(32768, 60999));
        assertThat(k.portRange().size()).isEqualTo(28232);
        assertThat(k.reservedPorts().isEmpty()).isTrue();
        assertThat(k.tcpTwReuse()).isEqualTo(2);
        assertThat(k.tcpTimestamps()).isEqualTo(1);
        assertThat(k.tcpFinTimeout()).isEqualTo(60);
        assertThat(k.tcpMaxTwBuckets()).isEqualTo(131072);
        assertThat(k.somaxconn()).isEqualTo(4096);
        assertThat(k.tcpMaxSynBacklog()).isEqualTo(2048);
        assertThat(k.bindV6Only()).isZero();
        assertThat(k.unprivilegedPortStart()).isEqualTo(1024);
    }

    @Test
    void missingAndBadSettingsAreNullAndBadOnesNamed(@TempDir Path root) throws Exception {
        Path ipv4 = Files.createDirectories(root.resolve("sys/net/ipv4"));
        Files.writeString(ipv4.resolve("ip_local_port_range"), "50000\n");
        Files.writeString(ipv4.resolve("tcp_tw_reuse"), "two\n");
        Files.writeString(ipv4.resolve("ip_local_reserved_ports"), "8080,9000-9010\n");
        ParseResult<KernelSettings> r = KernelSettings.read(Procfs.at(root));
        assertThat(r.value().portRange()).isNull();
        assertThat(r.value().portRangeOrDefault()).isEqualTo(PortRange.KERNEL_DEFAULT);
        assertThat(r.value().tcpTwReuse()).isNull();
        assertThat(r.value().somaxconn()).isNull();
        assertThat(r.value().reservedPorts().toString()).isEqualTo("8080,9000-9010");
        assertThat(r.problems()).containsExactly(
                "net.ipv4.ip_local_port_range: '50000' is not two port numbers",
                "net.ipv4.tcp_tw_reuse: 'two' is not a whole number");
    }

    @Test
    void portSetsAndRanges() {
        PortSet set = PortSet.parse(" 8080, 50000-50004 ,60999\n");
        assertThat(set.contains(8080)).isTrue();
        assertThat(set.contains(50003)).isTrue();
        assertThat(set.contains(50005)).isFalse();
        assertThat(set.countIn(new PortRange(50000, 50009))).isEqualTo(5);
        assertThat(set.countIn(PortRange.KERNEL_DEFAULT)).isEqualTo(6);
        assertThat(set.toString()).isEqualTo("8080,50000-50004,60999");
        assertThat(PortSet.parse("").isEmpty()).isTrue();
        assertThat(PortSet.parse(set.toString())).isEqualTo(set);
        assertThatThrownBy(() -> PortSet.parse("10-5")).hasMessage("'10-5' is a range that ends before it starts");
        assertThatThrownBy(() -> PortSet.parse("70000")).hasMessage("'70000': '70000' is not a port");
        assertThat(PortRange.parse("50000\t50009").size()).isEqualTo(10);
        assertThatThrownBy(() -> PortRange.parse("9 1")).isInstanceOf(IllegalArgumentException.class);
    }
}
