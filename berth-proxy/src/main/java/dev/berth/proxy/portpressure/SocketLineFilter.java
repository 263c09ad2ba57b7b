package dev.berth.proxy.portpressure;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps the lines of a {@code /proc/net/tcp[6]} table that the port-pressure sample needs: the
 * listeners (their ports leave the ephemeral pool) and the sockets towards the proxy's
 * endpoints. On a busy host the table has tens of thousands of lines, most of them other
 * destinations' TIME_WAIT; parsing each into objects every few seconds cost ~100 ms of CPU and
 * tens of MB of garbage per sample. This looks at two fixed-width fields of each line instead.
 *
 * <p>The kernel prints every row as {@code %4d: LOCAL REMOTE ST ...} with each address as
 * {@code %08X} words (host byte order) and {@code :%04X} port (tcp4_seq_show, tcp6_seq_show), so
 * the remote address and the state sit at fixed offsets after the first colon.
 */
final class SocketLineFilter {

    private final Set<String> remotes = new HashSet<>();
    private final int addressLength;

    /**
     * @param ipv6         filters {@code tcp6} (else {@code tcp})
     * @param order        the byte order the table was printed in (this machine's: {@link ByteOrder#nativeOrder()})
     * @param destinations the endpoints whose sockets are kept (those of the other family are ignored)
     */
    SocketLineFilter(boolean ipv6, ByteOrder order, Set<InetSocketAddress> destinations) {
        this.addressLength = (ipv6 ? 32 : 8) + 5;
        for (InetSocketAddress d : destinations) {
            boolean v6 = d.getAddress() instanceof Inet6Address;
            if (v6 == ipv6) {
                remotes.add(hex(d.getAddress().getAddress(), order) + ":" + String.format(Locale.ROOT, "%04X", d.getPort()));
            } else if (ipv6 && d.getAddress() instanceof Inet4Address) {
                // An IPv4 endpoint reached from a dual-stack socket shows as ::ffff:a.b.c.d in tcp6.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(d.getAddress().getAddress(), 0, mapped, 12, 4);
                remotes.add(hex(mapped, order) + ":" + String.format(Locale.ROOT, "%04X", d.getPort()));
            }
        }
    }

    /** The header and the kept lines of {@code table}, in order. */
    String keep(String table) {
        StringBuilder out = new StringBuilder(4096);
        table.lines().forEach(line -> keep(line, out));
        return out.toString();
    }

    /** Appends {@code line} to {@code out} (with a newline) if it is the header or a wanted row. */
    void keep(String line, StringBuilder out) {
        if (out.isEmpty() || wanted(line)) {
            out.append(line).append('\n');
        }
    }

    private boolean wanted(String line) {
        int colon = line.indexOf(':');
        int remote = colon + 2 + addressLength + 1;
        int state = remote + addressLength + 1;
        if (colon < 0 || state + 2 > line.length()) {
            return true; // not a row as expected: let the parser judge (and report) it
        }
        if (line.charAt(state) == '0' && line.charAt(state + 1) == 'A') {
            return true; // LISTEN
        }
        return remotes.contains(line.substring(remote, remote + addressLength));
    }

    private static String hex(byte[] address, ByteOrder order) {
        StringBuilder sb = new StringBuilder(address.length * 2);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                int b = address[word + (order == ByteOrder.LITTLE_ENDIAN ? 3 - i : i)] & 0xff;
                sb.append(Character.toUpperCase(Character.forDigit(b >> 4, 16))).append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
