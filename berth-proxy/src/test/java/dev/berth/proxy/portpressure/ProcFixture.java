package dev.berth.proxy.portpressure;

import dev.berth.sockdiag.procfs.Procfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A directory laid out like {@code /proc}, written row by row in the kernel's own format
 * ({@code %08X} per 32-bit word as a little-endian machine prints it), for the port-pressure tests.
 */
final class ProcFixture {

    static final String LISTEN = "0A";
    static final String ESTABLISHED = "01";
    static final String TIME_WAIT = "06";

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    private final Path root;
    private final List<String> tcp = new ArrayList<>();
    private final List<String> tcp6 = new ArrayList<>();

    ProcFixture(Path root, String portRange, String reserved) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("net"));
        Path ipv4 = Files.createDirectories(root.resolve("sys/net/ipv4"));
        Files.writeString(ipv4.resolve("ip_local_port_range"), portRange + "\n");
        Files.writeString(ipv4.resolve("ip_local_reserved_ports"), reserved + "\n");
        write();
    }

    Procfs procfs() {
        return Procfs.at(root);
    }

    /** One row: {@code local} and {@code remote} as {@code ip:port}; {@code state} two hex digits. */
    ProcFixture row(String local, String remote, String state) {
        boolean v6 = local.startsWith("[");
        List<String> table = v6 ? tcp6 : tcp;
        table.add(String.format(Locale.ROOT, "%4d: %s %s %s 00000000:00000000 %s 00000000     0        0 %d 1 0000000000000000 20 4 30 10 -1",
                table.size(), hex(local), hex(remote), state, state.equals(TIME_WAIT) ? "03:00001770" : "00:00000000",
                state.equals(TIME_WAIT) ? 0 : 1000 + table.size()));
        return this;
    }

    /** {@code n} connections from {@code source} ports {@code firstPort}... to {@code destination}. */
    ProcFixture connections(String source, int firstPort, String destination, int n, String state) {
        for (int i = 0; i < n; i++) {
            row(source + ":" + (firstPort + i), destination, state);
        }
        return this;
    }

    ProcFixture listen(String local) {
        return row(local, local.startsWith("[") ? "[::]:0" : "0.0.0.0:0", LISTEN);
    }

    /** Writes the tables as they stand now. */
    ProcFixture write() {
        try {
            Files.writeString(root.resolve("net/tcp"), HEADER + "\n" + String.join("\n", tcp) + (tcp.isEmpty() ? "" : "\n"));
            Files.writeString(root.resolve("net/tcp6"), HEADER + "\n" + String.join("\n", tcp6) + (tcp6.isEmpty() ? "" : "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** {@code 127.0.0.1:7001} → {@code 0100007F:1B59}; each 32-bit word byte-reversed, as x86 prints it. */
    private static String hex(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        byte[] b = InetAddress.ofLiteral(host).getAddress();
        StringBuilder out = new StringBuilder();
        for (int w = 0; w < b.length; w += 4) {
            for (int i = 3; i >= 0; i--) {
                out.append(String.format(Locale.ROOT, "%02X", b[w + i] & 0xff));
            }
        }
        return out + ":" + String.format(Locale.ROOT, "%04X", port);
    }
}
