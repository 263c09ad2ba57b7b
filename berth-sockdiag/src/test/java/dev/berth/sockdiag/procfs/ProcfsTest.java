package dev.berth.sockdiag.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procfs root: network files of the reader or of a pid, owners through fd links, descriptor limits. */
class ProcfsTest {

    @Test
    void forPidReadsThatProcessesNetworkFiles(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("net"));
        Files.createDirectories(root.resolve("42/net"));
        Files.writeString(root.resolve("net/tcp"), "mine");
        Files.writeString(root.resolve("42/net/tcp"), "theirs");
        Procfs proc = Procfs.at(root);
        assertThat(proc.net("tcp")).contains("mine");
        assertThat(proc.forPid(42).net("tcp")).contains("theirs");
        assertThat(proc.forPid(42).targetPid()).isEqualTo(OptionalLong.of(42));
        assertThat(proc.net("tcp6")).isEmpty();
        assertThat(proc.hasProcess(42)).isTrue();
        assertThat(proc.hasProcess(43)).isFalse();
    }

    @Test
    void ownersAreFoundThroughSymbolicLinksAsInTheRealProc(@TempDir Path root) throws Exception {
        Path fd = Files.createDirectories(root.resolve("100/fd"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[555]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("/dev/null"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[556]"));
        Files.writeString(root.resolve("100/comm"), "server\n");
        Files.writeString(root.resolve("100/cmdline"), "server\0--port\08080\0");
        Path fd2 = Files.createDirectories(root.resolve("200/fd"));
        Files.createSymbolicLink(fd2.resolve("7"), Path.of("socket:[555]"));
        Files.writeString(root.resolve("200/comm"), "worker\n");
        Files.createDirectories(root.resolve("net"));
        SocketOwners owners = SocketOwners.scan(Procfs.at(root), List.of(555L, 556L, 0L, 999L));
        assertThat(owners.of(555)).extracting(ProcessRef::toString).containsExactly("100/server", "200/worker");
        assertThat(owners.of(556)).singleElement().satisfies(p -> assertThat(p.commandLine()).isEqualTo("server --port 8080"));
        assertThat(owners.of(999)).isEmpty();
        assertThat(owners.of(0)).isEmpty();
        assertThat(SocketOwners.socketInode("socket:[12]")).isEqualTo(12);
        assertThat(SocketOwners.socketInode("pipe:[12]")).isEqualTo(-1);
        assertThat(SocketOwners.socketInode("socket:[x]")).isEqualTo(-1);
    }

    @Test
    void liveSysctlsAreReadWhole() throws Exception {
        assumeThat(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).as("a Linux /proc").exists();
        // A sysctl answers a read at offset 1 with end of file; read byte by byte, 60 would be "6".
        ParseResult<KernelSettings> live = KernelSettings.read(Procfs.system());
        assertThat(live.problems()).isEmpty();
        assertThat(live.value().portRange()).isNotNull();
        assertThat(live.value().portRange().size()).isGreaterThan(1);
        String direct;
        try (var in = new java.io.FileInputStream("/proc/sys/net/ipv4/tcp_fin_timeout")) {
            direct = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
        assertThat(String.valueOf(live.value().tcpFinTimeout())).isEqualTo(direct);
    }

    @Test
    void fdLimitsOfTheFixture() throws Exception {
        Procfs proc = Procfs.at(Fixtures.path("host-a"));
        FdLimits all = FdLimits.read(proc, OptionalLong.empty(), 2);
        assertThat(all.allocated()).isEqualTo(2704);
        assertThat(all.max()).isEqualTo(2466183);
        assertThat(all.nrOpen()).isEqualTo(1048576);
        assertThat(all.processes()).hasSize(2);
        ProcessFds java = all.processes().getFirst();
        assertThat(java.process().pid()).isEqualTo(777);
        assertThat(java.open()).isEqualTo(10);
        assertThat(java.softLimit()).isEqualTo(10);
        assertThat(java.hardLimit()).isEqualTo(4096);
        assertThat(java.percent()).isEqualTo(100.0);
        FdLimits one = FdLimits.read(proc, OptionalLong.of(4242), 2);
        assertThat(one.processes()).singleElement().satisfies(p -> assertThat(p.process().command()).isEqualTo("mongod"));
        assertThat(ProcessFds.openFileLimits("Max open files            unlimited            unlimited            files"))
                .containsExactly(null, null);
    }
}
