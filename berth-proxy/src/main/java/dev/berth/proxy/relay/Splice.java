package dev.berth.proxy.relay;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few libc calls of the zero-copy relay — {@code splice(2)}, {@code pipe2(2)},
 * {@code fcntl(2)}, {@code close(2)} — bound once through the FFM API.
 *
 * <p>Netty's own {@code spliceTo} is not used: it is deprecated in 4.2 and has known flaws
 * (netty#15907, netty#13690). If the binding fails (not Linux, native access denied) the
 * reason is logged once and every connection keeps the copying relay.
 *
 * <p>Every call returns a non-negative result or {@code -errno}: no exception and no
 * allocation on the hot path; errno is captured into a per-thread segment (the event loops).
 */
final class Splice {

    static final int SPLICE_F_MOVE = 1;
    static final int SPLICE_F_NONBLOCK = 2;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static final MethodHandle SPLICE;
    private static final MethodHandle PIPE2;
    private static final MethodHandle FCNTL;
    private static final MethodHandle CLOSE;
    /** Why splice cannot be used here, or {@code null} when it can. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle splice = null;
        MethodHandle pipe2 = null;
        MethodHandle fcntl = null;
        MethodHandle close = null;
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            why = "splice(2) exists only on Linux";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                splice = handle(linker, "splice",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
                pipe2 = handle(linker, "pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
                fcntl = handle(linker, "fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno,
                        Linker.Option.firstVariadicArg(2));
                close = handle(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
            } catch (Throwable e) { // IllegalCallerException when native access is denied, and the like
                why = "the FFM API is not usable (" + e + "); start the JVM with --enable-native-access=ALL-UNNAMED";
            }
        }
        SPLICE = splice;
        PIPE2 = pipe2;
        FCNTL = fcntl;
        CLOSE = close;
        UNAVAILABLE = why;
    }

    private static volatile boolean reported;

    private Splice() {}

    private static MethodHandle handle(Linker linker, String name, FunctionDescriptor d, Linker.Option... options) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc"));
        return linker.downcallHandle(symbol, d, options);
    }

    /** True when splice can be used; otherwise logs why, once per process. */
    static boolean available() {
        if (UNAVAILABLE == null) {
            return true;
        }
        if (!reported) {
            reported = true;
            log.atWarn().setMessage("zero-copy relay unavailable, using the copying relay")
                    .addKeyValue("reason", UNAVAILABLE).log();
        }
        return false;
    }

    /** {@code splice(in, NULL, out, NULL, len, flags)}: bytes moved, 0 at EOF, or {@code -errno}. */
    static long splice(int in, int out, long len, int flags) {
        MemorySegment state = STATE.get();
        try {
            long n = (long) SPLICE.invokeExact(state, in, MemorySegment.NULL, out, MemorySegment.NULL, len, flags);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A non-blocking, close-on-exec pipe resized to hold at least {@code size} bytes (the
     * kernel rounds up to a power-of-two number of pages; a refused resize keeps the default
     * 64 KiB). Returns {@code {read fd, write fd, capacity}}.
     */
    static int[] pipe(int size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int r = (int) PIPE2.invokeExact(state, fds, O_NONBLOCK | O_CLOEXEC);
            if (r < 0) {
                throw Errors.newIOException("pipe2", -errno(state));
            }
            int rfd = fds.getAtIndex(JAVA_INT, 0);
            int wfd = fds.getAtIndex(JAVA_INT, 1);
            int capacity = (int) FCNTL.invokeExact(state, wfd, F_GETPIPE_SZ, 0);
            if (capacity < size) {
                int set = (int) FCNTL.invokeExact(state, wfd, F_SETPIPE_SZ, size);
                if (set > 0) {
                    capacity = set;
                }
            }
            return new int[] {rfd, wfd, Math.max(capacity, 4096)};
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("pipe2 failed", e);
        }
    }

    /** A close-on-exec duplicate of {@code fd}: the splice reader's own epoll registration. */
    static int dup(int fd) throws IOException {
        MemorySegment state = STATE.get();
        try {
            int r = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, 0);
            if (r < 0) {
                throw Errors.newIOException("fcntl(F_DUPFD_CLOEXEC)", -errno(state));
            }
            return r;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("fcntl failed", e);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(STATE.get(), fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The exception Netty would raise for {@code errno} ("splice(..) failed: Connection reset by peer"). */
    static IOException failure(String call, int errno) {
        return Errors.newIOException(call, -errno);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
