package dev.berth.sockdiag.procfs;

import dev.berth.ip.IpAddress;
import dev.berth.ip.IpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}.
 *
 * <p>The kernel prints each row with {@code "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX
 * %08X %5u %8d %lu ..."} ({@code get_tcp4_sock} in {@code net/ipv4/tcp_ipv4.c}; the IPv6 and UDP
 * functions share the first ten fields). The first ten fields are read; whatever follows
 * (refcount, pointer, RTO, cwnd, UDP drops) is ignored. A header line starting with {@code sl}
 * is skipped wherever it is; blank lines and trailing spaces are ignored.
 *
 * <p>Addresses are the usual trap: the kernel keeps them in network order and prints each
 * 32-bit word with {@code %08X} as a <em>host-order</em> integer, so on a little-endian machine
 * 127.0.0.1 reads {@code 0100007F} and ::1 reads {@code 00000000000000000000000001000000} (each
 * of the four words byte-reversed). They are decoded the portable way: hex to a 32-bit integer,
 * written back in the byte order of the machine that printed the file. Ports are printed after
 * {@code ntohs} and read naturally: 8080 is {@code 1F90}.
 */
public final class SocketTable {

    private static final int FIELDS = 10;

    private SocketTable() {}

    /**
     * Parses the text of one table as printed by a machine of {@code order}'s byte order
     * ({@link ByteOrder#nativeOrder()} for this machine's own files).
     *
     * @param file the file's name for messages: {@code tcp}, {@code tcp6}, {@code udp} or {@code udp6}
     */
    public static ParseResult<List<SocketEntry>> parse(String text, Transport transport, IpFamily family, ByteOrder order,
            String file) {
        List<SocketEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            start = end + 1;
            lineNumber++;
            if (start > text.length() && line.isEmpty()) {
                break;
            }
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("sl ") || stripped.equals("sl")) {
                continue;
            }
            try {
                entries.add(row(stripped, transport, family, order, lineNumber));
            } catch (BadField e) {
                problems.add(file + " line " + lineNumber + ": " + e.getMessage() + ": " + ProcText.quote(stripped));
            }
        }
        return new ParseResult<>(List.copyOf(entries), problems);
    }

    /**
     * Reads and parses both families' tables of {@code transport} ({@code tcp} then {@code tcp6});
     * a table that is missing (no IPv6) is empty.
     */
    public static ParseResult<List<SocketEntry>> read(Procfs proc, Transport transport, ByteOrder order) throws IOException {
        List<SocketEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (IpFamily family : List.of(IpFamily.IPV4, IpFamily.IPV6)) {
            String file = transport.label() + (family == IpFamily.IPV6 ? "6" : "");
            Optional<String> text = proc.net(file);
            if (text.isPresent()) {
                ParseResult<List<SocketEntry>> parsed = parse(text.get(), transport, family, order, file);
                entries.addAll(parsed.value());
                problems.addAll(parsed.problems());
            }
        }
        return new ParseResult<>(List.copyOf(entries), problems);
    }

    /** Parses one table of this machine. */
    public static ParseResult<List<SocketEntry>> parse(String text, Transport transport, IpFamily family) {
        return parse(text, transport, family, ByteOrder.nativeOrder(),
                transport.label() + (family == IpFamily.IPV6 ? "6" : ""));
    }

    private static SocketEntry row(String line, Transport transport, IpFamily family, ByteOrder order, int lineNumber)
            throws BadField {
        String[] f = line.split("\\s+");
        if (f.length < FIELDS) {
            throw new BadField("truncated: " + f.length + " fields (expected at least " + FIELDS + ")");
        }
        if (!f[0].endsWith(":") || !ProcText.isDecimal(f[0].substring(0, f[0].length() - 1), false)) {
            throw new BadField("sl " + ProcText.quote(f[0]) + " is not a row number and a colon");
        }
        boolean v6 = family == IpFamily.IPV6;
        String[] local = pair(f[1], "local_address");
        String[] remote = pair(f[2], "rem_address");
        IpAddress localAddress = address(local[0], v6, order, "local_address");
        int localPort = port(local[1], "local_address");
        IpAddress remoteAddress = address(remote[0], v6, order, "rem_address");
        int remotePort = port(remote[1], "rem_address");
        if (!ProcText.isHex(f[3], 2)) {
            throw new BadField("st " + ProcText.quote(f[3]) + " is not 2 hex digits");
        }
        TcpState state = TcpState.ofCode(Integer.parseInt(f[3], 16));
        if (state == null) {
            throw new BadField("st " + ProcText.quote(f[3]) + " is not a socket state (01-0D)");
        }
        String[] queues = pair(f[4], "tx_queue:rx_queue");
        long tx = hex(queues[0], 8, "tx_queue");
        long rx = hex(queues[1], 8, "rx_queue");
        String[] timer = pair(f[5], "tr:tm->when");
        int tr = (int) hex(timer[0], 2, "tr");
        long when = hex(timer[1], 16, "tm->when");
        long retransmits = hex(f[6], 8, "retrnsmt");
        long uid = decimal(f[7], false, "uid");
        decimal(f[8], true, "timeout");
        long inode = decimal(f[9], false, "inode");
        return new SocketEntry(transport, family, lineNumber, localAddress, localPort, remoteAddress, remotePort, state,
                tx, rx, tr, when, retransmits, uid, inode);
    }

    private static String[] pair(String field, String name) throws BadField {
        int colon = field.indexOf(':');
        if (colon < 0 || field.indexOf(':', colon + 1) >= 0) {
            throw new BadField(name + " " + ProcText.quote(field) + " is not two fields joined by one colon");
        }
        return new String[] {field.substring(0, colon), field.substring(colon + 1)};
    }

    /**
     * An address field: 8 hex digits for IPv4, 32 for IPv6, each 32-bit word printed in the
     * printing machine's byte order; an IPv4-mapped result is returned as the IPv4 address.
     */
    static IpAddress address(String hex, boolean v6, ByteOrder order, String name) throws BadField {
        int words = v6 ? 4 : 1;
        if (hex.length() != 8 * words || !ProcText.isHex(hex, 8 * words)) {
            throw new BadField(name + " address " + ProcText.quote(hex) + " is not " + 8 * words + " hex digits");
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * words).order(order);
        for (int i = 0; i < words; i++) {
            bytes.putInt((int) Long.parseLong(hex, 8 * i, 8 * i + 8, 16));
        }
        return IpAddress.ofBytes(bytes.array()).unmapped();
    }

    private static int port(String hex, String name) throws BadField {
        if (hex.length() != 4 || !ProcText.isHex(hex, 4)) {
            throw new BadField(name + " port " + ProcText.quote(hex) + " is not 4 hex digits");
        }
        return Integer.parseInt(hex, 16);
    }

    private static long hex(String s, int maxDigits, String name) throws BadField {
        if (!ProcText.isHex(s, maxDigits)) {
            throw new BadField(name + " " + ProcText.quote(s) + " is not 1-" + maxDigits + " hex digits");
        }
        return Long.parseUnsignedLong(s, 16);
    }

    private static long decimal(String s, boolean signed, String name) throws BadField {
        if (!ProcText.isDecimal(s, signed)) {
            throw new BadField(name + " " + ProcText.quote(s) + " is not a" + (signed ? "" : "n unsigned") + " decimal number");
        }
        return ProcText.decimal(s);
    }

    /** One field of a row is not what the kernel writes; the message names it. */
    static final class BadField extends Exception {
        BadField(String message) {
            super(message, null, false, false);
        }
    }
}
