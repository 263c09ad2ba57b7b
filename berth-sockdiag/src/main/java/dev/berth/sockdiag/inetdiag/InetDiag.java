package dev.berth.sockdiag.inetdiag;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.berth.ip.IpAddress;
import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.procfs.SocketEntry;
import dev.berth.sockdiag.procfs.TcpState;
import dev.berth.sockdiag.procfs.Transport;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dumps listening sockets over NETLINK_SOCK_DIAG ({@code sock_diag(7)}), as {@code ss -l} does,
 * for the two facts procfs lacks: {@code IPV6_V6ONLY} of IPv6 sockets (a {@code ::} listener
 * looks the same in {@code /proc/net/tcp6} whether or not it also takes IPv4) and a listener's
 * backlog next to its accept queue.
 *
 * <p>The answer is always about the caller's own network namespace. The C calls go through the
 * Foreign Function API ({@code socket}, {@code sendto}, {@code recv}, {@code close} of the C
 * library); anything that goes wrong, from a kernel without {@code inet_diag} to native access
 * being refused, gives {@link SocketDetails#unavailable} with the reason rather than an error.
 */
public final class InetDiag {

    private static final int AF_NETLINK = 16;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int TCP_LISTEN = 10;
    private static final int TCP_CLOSE = 7;
    private static final int INET_DIAG_SKV6ONLY = 11;
    private static final int INET_DIAG_REQ_BYTECODE = 1;
    private static final int INET_DIAG_BC_JMP = 1;
    private static final int INET_DIAG_BC_D_COND = 8;
    private static final int OP_LENGTH = 4;
    private static final int NLA_HEADER = 4;
    /** Jump offsets are 16 bits; past this many bytes of filter the caller filters alone. */
    private static final int MAX_FILTER_LENGTH = 60_000;
    /** TCP_ESTABLISHED (1) through TCP_BOUND_INACTIVE (13). */
    private static final int ALL_TCP_STATES = 0x3ffe;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    private static final int NLMSG_HEADER = 16;
    private static final int REQUEST_LENGTH = NLMSG_HEADER + 56;
    private static final int MSG_LENGTH = 72;

    private static final Native NATIVE = Native.load();

    private InetDiag() {}

    /**
     * Listening TCP sockets and unconnected UDP sockets of both families in this process's
     * network namespace.
     */
    public static SocketDetails listeners() {
        if (NATIVE.failure != null) {
            return SocketDetails.unavailable(NATIVE.failure);
        }
        Map<Long, SocketDetail> details = new HashMap<>();
        MessageHandler detail = (buffer, m, end, family) -> {
            long inode = Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 68));
            details.put(inode, new SocketDetail(inode, v6only(buffer, m, end),
                    Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 56)),
                    Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 60))));
        };
        try {
            dump(AF_INET, IPPROTO_TCP, 1 << TCP_LISTEN, null, detail);
            dump(AF_INET6, IPPROTO_TCP, 1 << TCP_LISTEN, null, detail);
            dump(AF_INET6, IPPROTO_UDP, 1 << TCP_CLOSE, null, detail);
        } catch (DiagFailure e) {
            return SocketDetails.unavailable(e.getMessage());
        } catch (Throwable e) {
            return SocketDetails.unavailable("NETLINK_SOCK_DIAG failed: " + e);
        }
        return new SocketDetails(details, null);
    }

    /**
     * The TCP sockets of both families in this namespace that are connected to one of
     * {@code destinations} (any state but LISTEN, TIME_WAIT included), and every listening TCP
     * socket: what the ephemeral-port pressure towards those destinations is computed from.
     *
     * <p>The kernel does the filtering (an INET_DIAG bytecode of one {@code D_COND} per
     * destination), so a host with tens of thousands of other sockets costs a walk of its socket
     * table but not their formatting: about a fifth of the system time of reading
     * {@code /proc/net/tcp} with 28,000 sockets on the development machine. IPv4 destinations
     * also match IPv4-mapped peers of dual-stack IPv6 sockets. Entries have line 0 (not from a file).
     *
     * @throws IOException when the kernel cannot be asked (not Linux, no {@code inet_diag}, native access refused)
     */
    public static List<SocketEntry> tcpTowards(Collection<InetSocketAddress> destinations) throws IOException {
        return tcpTowards(destinations, true);
    }

    /** {@link #tcpTowards}; without {@code checkInJava} only the kernel's filter applies (for tests of it). */
    static List<SocketEntry> tcpTowards(Collection<InetSocketAddress> destinations, boolean checkInJava) throws IOException {
        if (NATIVE.failure != null) {
            throw new IOException(NATIVE.failure);
        }
        Set<Destination> wanted = new HashSet<>();
        for (InetSocketAddress d : destinations) {
            wanted.add(new Destination(IpAddress.of(d.getAddress()).withoutScope().unmapped(), d.getPort()));
        }
        List<SocketEntry> entries = new ArrayList<>();
        MessageHandler entry = (buffer, m, end, family) -> {
            SocketEntry e = socketEntry(buffer, m, family);
            // the kernel filtered already, unless there were too many destinations for one filter
            if (e != null && (!checkInJava || e.state() == TcpState.LISTEN
                    || wanted.contains(new Destination(e.remoteAddress(), e.remotePort())))) {
                entries.add(e);
            }
        };
        byte[] filter = destinationFilter(destinations);
        try {
            for (int family : new int[] {AF_INET, AF_INET6}) {
                dump(family, IPPROTO_TCP, 1 << TCP_LISTEN, null, entry);
                if (!wanted.isEmpty()) {
                    dump(family, IPPROTO_TCP, ALL_TCP_STATES & ~(1 << TCP_LISTEN), filter, entry);
                }
            }
        } catch (DiagFailure e) {
            throw new IOException(e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("NETLINK_SOCK_DIAG failed: " + e, e);
        }
        return entries;
    }

    /**
     * "The peer is one of these", as INET_DIAG bytecode: per destination a {@code D_COND}
     * (family, full-length prefix, port) followed by a {@code JMP}, then a final {@code JMP}.
     * A match lands on the condition's JMP, which jumps to the end exactly (accept); a miss skips
     * it to the next condition, and after the last one the final JMP jumps past the end (reject).
     * The JMPs are there because a condition's match offset is one byte. {@code null} for no
     * destinations, or too many for the 16-bit jump offsets (the caller then filters alone).
     */
    static byte[] destinationFilter(Collection<InetSocketAddress> destinations) {
        List<InetSocketAddress> list = List.copyOf(destinations);
        int total = OP_LENGTH;
        for (InetSocketAddress d : list) {
            total += condLength(d) + OP_LENGTH;
        }
        if (list.isEmpty() || total > MAX_FILTER_LENGTH) {
            return null;
        }
        ByteBuffer bc = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        for (InetSocketAddress d : list) {
            byte[] addr = d.getAddress().getAddress();
            int len = condLength(d);
            op(bc, INET_DIAG_BC_D_COND, len, len + OP_LENGTH);
            bc.put((byte) (addr.length == 4 ? AF_INET : AF_INET6));
            bc.put((byte) (addr.length * 8));
            bc.putShort((short) 0);
            bc.putInt(d.getPort());
            bc.put(addr); // network order, as the kernel compares it
            op(bc, INET_DIAG_BC_JMP, OP_LENGTH, total - bc.position()); // to the end: accept
        }
        op(bc, INET_DIAG_BC_JMP, OP_LENGTH, 2 * OP_LENGTH); // past the end: reject
        return bc.array();
    }

    /** {@code struct inet_diag_bc_op}: code, the offset on a match (u8), on a miss (u16). */
    private static void op(ByteBuffer bc, int code, int yes, int no) {
        bc.put((byte) code);
        bc.put((byte) yes);
        bc.putShort((short) no);
    }

    private record Destination(IpAddress address, int port) {}

    private static int condLength(InetSocketAddress d) {
        return 4 + 8 + d.getAddress().getAddress().length;
    }

    /** What a dump does with each socket's message: {@code m} is where it starts, {@code end} where its attributes end. */
    @FunctionalInterface
    private interface MessageHandler {
        void message(MemorySegment buffer, long m, long end, int family);
    }

    private static void dump(int family, int protocol, int states, byte[] bytecode, MessageHandler handler) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Native.CAPTURE);
            int fd = (int) NATIVE.socket.invokeExact(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
            if (fd < 0) {
                throw new DiagFailure("cannot open a NETLINK_SOCK_DIAG socket: errno " + errno(errno));
            }
            try {
                MemorySegment timeout = arena.allocate(16, 8);
                timeout.set(JAVA_LONG, 0, 2);
                int ignored = (int) NATIVE.setsockopt.invokeExact(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
                int attribute = bytecode == null ? 0 : NLA_HEADER + bytecode.length; // a multiple of 4 already
                int length = REQUEST_LENGTH + attribute;
                MemorySegment request = arena.allocate(length, 8);
                request.set(JAVA_INT, 0, length);
                request.set(JAVA_SHORT, 4, (short) SOCK_DIAG_BY_FAMILY);
                request.set(JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
                request.set(JAVA_INT, 8, 1);
                request.set(JAVA_BYTE, NLMSG_HEADER, (byte) family);
                request.set(JAVA_BYTE, NLMSG_HEADER + 1, (byte) protocol);
                request.set(JAVA_INT, NLMSG_HEADER + 4, states);
                if (bytecode != null) {
                    request.set(JAVA_SHORT, REQUEST_LENGTH, (short) attribute);
                    request.set(JAVA_SHORT, REQUEST_LENGTH + 2, (short) INET_DIAG_REQ_BYTECODE);
                    MemorySegment.copy(bytecode, 0, request, JAVA_BYTE, REQUEST_LENGTH + NLA_HEADER, bytecode.length);
                }
                MemorySegment kernel = arena.allocate(12, 4);
                kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
                long sent = (long) NATIVE.sendto.invokeExact(errno, fd, request, (long) length, 0, kernel, 12);
                if (sent != length) {
                    throw new DiagFailure("cannot send the NETLINK_SOCK_DIAG request: errno " + errno(errno));
                }
                MemorySegment buffer = arena.allocate(1 << 16, 8);
                while (true) {
                    long n = (long) NATIVE.recv.invokeExact(errno, fd, buffer, buffer.byteSize(), 0);
                    if (n < 0) {
                        throw new DiagFailure("no NETLINK_SOCK_DIAG answer: errno " + errno(errno));
                    }
                    if (n == 0 || !messages(buffer, n, family, protocol, handler)) {
                        return;
                    }
                }
            } finally {
                int ignored = (int) NATIVE.close.invokeExact(errno, fd);
            }
        }
    }

    /** Reads the messages in the first {@code n} bytes; false once the dump is done. */
    private static boolean messages(MemorySegment buffer, long n, int family, int protocol, MessageHandler handler)
            throws DiagFailure {
        long off = 0;
        while (off + NLMSG_HEADER <= n) {
            int len = buffer.get(JAVA_INT_UNALIGNED, off);
            int type = buffer.get(JAVA_SHORT_UNALIGNED, off + 4) & 0xffff;
            if (len < NLMSG_HEADER || off + len > n) {
                throw new DiagFailure("malformed NETLINK_SOCK_DIAG answer");
            }
            if (type == NLMSG_DONE) {
                return false;
            }
            if (type == NLMSG_ERROR) {
                int error = len >= NLMSG_HEADER + 4 ? buffer.get(JAVA_INT_UNALIGNED, off + NLMSG_HEADER) : 0;
                if (error == 0) {
                    return false;
                }
                throw new DiagFailure("NETLINK_SOCK_DIAG refused the " + (protocol == IPPROTO_TCP ? "TCP" : "UDP")
                        + (family == AF_INET6 ? "v6" : "v4") + " dump: errno " + -error);
            }
            if (type == SOCK_DIAG_BY_FAMILY && len >= NLMSG_HEADER + MSG_LENGTH) {
                handler.message(buffer, off + NLMSG_HEADER, off + len, family);
            }
            off += (len + 3) & ~3;
        }
        return true;
    }

    /** The {@code INET_DIAG_SKV6ONLY} attribute of the message at {@code m}, or {@code null}. */
    private static Boolean v6only(MemorySegment buffer, long m, long end) {
        long a = m + MSG_LENGTH;
        while (a + 4 <= end) {
            int attrLen = buffer.get(JAVA_SHORT_UNALIGNED, a) & 0xffff;
            int attrType = buffer.get(JAVA_SHORT_UNALIGNED, a + 2) & 0x7fff;
            if (attrLen < 4 || a + attrLen > end) {
                break;
            }
            if (attrType == INET_DIAG_SKV6ONLY && attrLen >= 5) {
                return buffer.get(JAVA_BYTE, a + 4) != 0;
            }
            a += (attrLen + 3) & ~3;
        }
        return null;
    }

    /**
     * {@code struct inet_diag_msg} as a {@link SocketEntry}: family, state, timer, retransmits,
     * then the socket id (ports in network order, addresses, interface, cookie), expires (ms),
     * receive and send queues, uid, inode. {@code null} for a state procfs does not know.
     */
    private static SocketEntry socketEntry(MemorySegment buffer, long m, int family) {
        TcpState state = TcpState.ofCode(buffer.get(JAVA_BYTE, m + 1) & 0xff);
        if (state == null) {
            return null;
        }
        int timer = buffer.get(JAVA_BYTE, m + 2) & 0xff;
        int retransmits = buffer.get(JAVA_BYTE, m + 3) & 0xff;
        int localPort = Short.toUnsignedInt(Short.reverseBytes(buffer.get(JAVA_SHORT_UNALIGNED, m + 4)));
        int remotePort = Short.toUnsignedInt(Short.reverseBytes(buffer.get(JAVA_SHORT_UNALIGNED, m + 6)));
        int size = family == AF_INET6 ? 16 : 4;
        IpAddress local = IpAddress.ofBytes(buffer.asSlice(m + 8, size).toArray(JAVA_BYTE)).unmapped();
        IpAddress remote = IpAddress.ofBytes(buffer.asSlice(m + 24, size).toArray(JAVA_BYTE)).unmapped();
        long expiresMs = Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 52));
        return new SocketEntry(Transport.TCP, family == AF_INET6 ? IpFamily.IPV6 : IpFamily.IPV4, 0,
                local, localPort, remote, remotePort, state,
                Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 60)),
                Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 56)),
                timer, expiresMs / 10, retransmits,
                Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 64)),
                Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 68)));
    }

    private static int errno(MemorySegment capture) {
        return (int) Native.ERRNO.get(capture, 0L);
    }

    /** The C functions, or why they could not be had. */
    private static final class Native {
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        final MethodHandle socket;
        final MethodHandle setsockopt;
        final MethodHandle sendto;
        final MethodHandle recv;
        final MethodHandle close;
        final String failure;

        private Native(MethodHandle[] handles, String failure) {
            this.socket = handles[0];
            this.setsockopt = handles[1];
            this.sendto = handles[2];
            this.recv = handles[3];
            this.close = handles[4];
            this.failure = failure;
        }

        static Native load() {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                return new Native(new MethodHandle[5], "NETLINK_SOCK_DIAG exists only on Linux");
            }
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                MethodHandle[] h = {
                    handle(linker, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno),
                    handle(linker, "setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno),
                    handle(linker, "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno),
                    handle(linker, "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno),
                    handle(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno),
                };
                return new Native(h, null);
            } catch (Throwable e) {
                return new Native(new MethodHandle[5], "native access unavailable (" + e + ")");
            }
        }

        private static MethodHandle handle(Linker linker, String name, FunctionDescriptor d, Linker.Option option) {
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("no " + name + " in the C library"));
            return linker.downcallHandle(symbol, d, option);
        }
    }

    /** The kernel could not be asked or answered with an error; the message says which. */
    private static final class DiagFailure extends Exception {
        DiagFailure(String message) {
            super(message, null, false, false);
        }
    }
}
