package dev.berth.sockdiag.inetdiag;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

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
        try {
            dump(AF_INET, IPPROTO_TCP, 1 << TCP_LISTEN, details);
            dump(AF_INET6, IPPROTO_TCP, 1 << TCP_LISTEN, details);
            dump(AF_INET6, IPPROTO_UDP, 1 << TCP_CLOSE, details);
        } catch (DiagFailure e) {
            return SocketDetails.unavailable(e.getMessage());
        } catch (Throwable e) {
            return SocketDetails.unavailable("NETLINK_SOCK_DIAG failed: " + e);
        }
        return new SocketDetails(details, null);
    }

    private static void dump(int family, int protocol, int states, Map<Long, SocketDetail> into) throws Throwable {
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
                MemorySegment request = arena.allocate(REQUEST_LENGTH, 8);
                request.set(JAVA_INT, 0, REQUEST_LENGTH);
                request.set(JAVA_SHORT, 4, (short) SOCK_DIAG_BY_FAMILY);
                request.set(JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
                request.set(JAVA_INT, 8, 1);
                request.set(JAVA_BYTE, NLMSG_HEADER, (byte) family);
                request.set(JAVA_BYTE, NLMSG_HEADER + 1, (byte) protocol);
                request.set(JAVA_INT, NLMSG_HEADER + 4, states);
                MemorySegment kernel = arena.allocate(12, 4);
                kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
                long sent = (long) NATIVE.sendto.invokeExact(errno, fd, request, (long) REQUEST_LENGTH, 0, kernel, 12);
                if (sent != REQUEST_LENGTH) {
                    throw new DiagFailure("cannot send the NETLINK_SOCK_DIAG request: errno " + errno(errno));
                }
                MemorySegment buffer = arena.allocate(1 << 16, 8);
                while (true) {
                    long n = (long) NATIVE.recv.invokeExact(errno, fd, buffer, buffer.byteSize(), 0);
                    if (n < 0) {
                        throw new DiagFailure("no NETLINK_SOCK_DIAG answer: errno " + errno(errno));
                    }
                    if (n == 0 || !messages(buffer, n, family, protocol, into)) {
                        return;
                    }
                }
            } finally {
                int ignored = (int) NATIVE.close.invokeExact(errno, fd);
            }
        }
    }

    /** Reads the messages in the first {@code n} bytes; false once the dump is done. */
    private static boolean messages(MemorySegment buffer, long n, int family, int protocol, Map<Long, SocketDetail> into)
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
                long m = off + NLMSG_HEADER;
                long queue = Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 56));
                long backlog = Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 60));
                long inode = Integer.toUnsignedLong(buffer.get(JAVA_INT_UNALIGNED, m + 68));
                Boolean v6only = null;
                long a = m + MSG_LENGTH;
                long end = off + len;
                while (a + 4 <= end) {
                    int attrLen = buffer.get(JAVA_SHORT_UNALIGNED, a) & 0xffff;
                    int attrType = buffer.get(JAVA_SHORT_UNALIGNED, a + 2) & 0x7fff;
                    if (attrLen < 4 || a + attrLen > end) {
                        break;
                    }
                    if (attrType == INET_DIAG_SKV6ONLY && attrLen >= 5) {
                        v6only = buffer.get(JAVA_BYTE, a + 4) != 0;
                    }
                    a += (attrLen + 3) & ~3;
                }
                into.put(inode, new SocketDetail(inode, v6only, queue, backlog));
            }
            off += (len + 3) & ~3;
        }
        return true;
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
