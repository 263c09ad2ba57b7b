package dev.berth.it;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small program the namespace tests run inside a network namespace to make sockets the way C
 * programs do, which the JDK cannot: IPV6_V6ONLY on or off, IP_BIND_ADDRESS_NO_PORT,
 * bind-before-connect, backlog 0, non-blocking connects. It reads one command per line on
 * standard input and answers one line on standard output; it exits when standard input ends.
 *
 * <pre>
 * listen NAME tcp4|tcp6|udp4|udp6 ADDR PORT [v6only=0|1] [backlog=N]   -> ok NAME port=P
 * connect NAME ADDR PORT [count=N] [bind=ADDR] [lport=P] [noport] [nonblock]  -> ok NAME ports=a,b | err NAME ERRNO done=K ports=...
 * churn LISTENER ADDR PORT count=N    connect, accept, close the client first, then the server side -> ok | err
 * accept LISTENER NAME                accepts one connection and keeps it as NAME -> ok NAME
 * close NAME [linger0]                closes NAME's sockets, with SO_LINGER {1, 0} (a reset, no TIME_WAIT) if asked -> ok NAME
 * </pre>
 */
public final class SocketScript {

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_LINGER = 13;
    private static final int SOL_IP = 0;
    private static final int IP_BIND_ADDRESS_NO_PORT = 24;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = fn("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = fn("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = fn("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = fn("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT = fn("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECV = fn("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = fn("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private static final Map<Integer, String> ERRNO_NAMES = Map.of(98, "EADDRINUSE", 99, "EADDRNOTAVAIL",
            111, "ECONNREFUSED", 115, "EINPROGRESS", 13, "EACCES", 22, "EINVAL", 24, "EMFILE", 110, "ETIMEDOUT");

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final Map<String, List<Integer>> sockets = new HashMap<>();

    private SocketScript() {}

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d,
                Linker.Option.captureCallState("errno"));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SocketScript script = new SocketScript();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String answer;
            try {
                answer = script.run(line.strip().split("\\s+"));
            } catch (Failed e) {
                answer = e.getMessage();
            } catch (Throwable e) {
                answer = "err " + e;
            }
            out.println(answer);
        }
    }

    private String run(String[] a) throws Throwable {
        Map<String, String> opts = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (String w : a) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                opts.put(w.substring(0, eq), w.substring(eq + 1));
            } else if (w.equals("noport") || w.equals("nonblock") || w.equals("linger0")) {
                opts.put(w, "1");
            } else {
                words.add(w);
            }
        }
        return switch (words.getFirst()) {
            case "listen" -> listen(words.get(1), words.get(2), words.get(3), Integer.parseInt(words.get(4)), opts);
            case "connect" -> connect(words.get(1), words.get(2), Integer.parseInt(words.get(3)), opts);
            case "churn" -> churn(words.get(1), words.get(2), Integer.parseInt(words.get(3)),
                    Integer.parseInt(opts.getOrDefault("count", "1")));
            case "accept" -> {
                int server = sockets.get(words.get(1)).getFirst();
                int fd = (int) ACCEPT.invokeExact(errno, server, MemorySegment.NULL, MemorySegment.NULL);
                check(fd, "accept", words.get(2), server);
                sockets.computeIfAbsent(words.get(2), k -> new ArrayList<>()).add(fd);
                yield "ok " + words.get(2);
            }
            case "close" -> {
                for (int fd : sockets.getOrDefault(words.get(1), List.of())) {
                    if (opts.containsKey("linger0")) {
                        MemorySegment linger = arena.allocate(8, 4);
                        linger.set(JAVA_INT, 0, 1);
                        linger.set(JAVA_INT, 4, 0);
                        check((int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_LINGER, linger, 8), "setsockopt", "linger", fd);
                    }
                    close(fd);
                }
                sockets.remove(words.get(1));
                yield "ok " + words.get(1);
            }
            default -> "err unknown command " + words.getFirst();
        };
    }

    private String listen(String name, String kind, String address, int port, Map<String, String> opts) throws Throwable {
        boolean v6 = kind.endsWith("6");
        boolean udp = kind.startsWith("udp");
        int fd = socket(v6 ? AF_INET6 : AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, name);
        setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
        if (v6 && opts.containsKey("v6only")) {
            setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, Integer.parseInt(opts.get("v6only")));
        }
        check((int) BIND.invokeExact(errno, fd, sockaddr(address, port), v6 ? 28 : 16), "bind", name, fd);
        if (!udp) {
            check((int) LISTEN.invokeExact(errno, fd, Integer.parseInt(opts.getOrDefault("backlog", "128"))), "listen", name, fd);
        }
        sockets.computeIfAbsent(name, k -> new ArrayList<>()).add(fd);
        return "ok " + name + " port=" + localPort(fd);
    }

    private String connect(String name, String address, int port, Map<String, String> opts) throws Throwable {
        int count = Integer.parseInt(opts.getOrDefault("count", "1"));
        boolean v6 = address.contains(":");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | (opts.containsKey("nonblock") ? SOCK_NONBLOCK : 0), name);
            try {
                if (opts.containsKey("noport")) {
                    setInt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1);
                }
                if (opts.containsKey("bind") || opts.containsKey("lport")) {
                    // lport=N: ports N, N+1, ... chosen by hand (outside the ephemeral range, they take nothing from it)
                    int local = opts.containsKey("lport") ? Integer.parseInt(opts.get("lport")) + i : 0;
                    String from = opts.getOrDefault("bind", v6 ? "::" : "0.0.0.0");
                    check((int) BIND.invokeExact(errno, fd, sockaddr(from, local), v6 ? 28 : 16), "bind", name, fd);
                }
                int rc = (int) CONNECT.invokeExact(errno, fd, sockaddr(address, port), v6 ? 28 : 16);
                if (rc != 0 && !(opts.containsKey("nonblock") && errno() == 115)) {
                    check(rc, "connect", name, fd);
                }
            } catch (Failed e) {
                throw new Failed(e.getMessage() + " done=" + i + " ports=" + join(ports));
            }
            sockets.computeIfAbsent(name, k -> new ArrayList<>()).add(fd);
            ports.add(localPort(fd));
        }
        return "ok " + name + " ports=" + join(ports);
    }

    private String churn(String listener, String address, int port, int count) throws Throwable {
        int server = sockets.get(listener).getFirst();
        boolean v6 = address.contains(":");
        MemorySegment one = arena.allocate(1);
        for (int i = 0; i < count; i++) {
            int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, "churn");
            try {
                check((int) CONNECT.invokeExact(errno, fd, sockaddr(address, port), v6 ? 28 : 16), "connect", "churn", fd);
            } catch (Failed e) {
                throw new Failed(e.getMessage() + " done=" + i);
            }
            int accepted = (int) ACCEPT.invokeExact(errno, server, MemorySegment.NULL, MemorySegment.NULL);
            check(accepted, "accept", "churn", fd);
            close(fd);
            // Wait for the client's FIN so the server side closes second: the client keeps the TIME_WAIT.
            long n = (long) RECV.invokeExact(errno, accepted, one, 1L, 0);
            if (n != 0) {
                throw new Failed("err churn expected EOF, got " + n);
            }
            close(accepted);
        }
        return "ok churn " + count;
    }

    private int socket(int family, int type, String name) throws Throwable {
        int fd = (int) SOCKET.invokeExact(errno, family, type, 0);
        if (fd < 0) {
            throw new Failed("err " + name + " " + errnoName() + " at socket");
        }
        return fd;
    }

    private void setInt(int fd, int level, int option, int value) throws Throwable {
        MemorySegment v = arena.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        check((int) SETSOCKOPT.invokeExact(errno, fd, level, option, v, 4), "setsockopt", "opt", fd);
    }

    private void check(int rc, String call, String name, int fd) throws Throwable {
        if (rc < 0) {
            String e = errnoName();
            close(fd);
            throw new Failed("err " + name + " " + e + " at " + call);
        }
    }

    private int errno() {
        return (int) ERRNO.get(errno, 0L);
    }

    private String errnoName() {
        int e = errno();
        return ERRNO_NAMES.getOrDefault(e, "errno" + e);
    }

    private void close(int fd) throws Throwable {
        int ignored = (int) CLOSE.invokeExact(errno, fd);
    }

    private MemorySegment sockaddr(String address, int port) {
        byte[] ip = InetAddress.ofLiteral(address).getAddress();
        boolean v6 = address.contains(":");
        MemorySegment s = arena.allocate(v6 ? 28 : 16, 4);
        s.set(JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
        s.set(JAVA_BYTE, 2, (byte) (port >> 8));
        s.set(JAVA_BYTE, 3, (byte) port);
        if (v6) {
            byte[] bytes = ip.length == 16 ? ip : mapped(ip);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 8, 16);
        } else {
            MemorySegment.copy(MemorySegment.ofArray(ip), 0, s, 4, 4);
        }
        return s;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private int localPort(int fd) throws Throwable {
        MemorySegment addr = arena.allocate(28, 4);
        MemorySegment len = arena.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 28);
        int ignored = (int) GETSOCKNAME.invokeExact(errno, fd, addr, len);
        return ((addr.get(JAVA_BYTE, 2) & 0xff) << 8) | (addr.get(JAVA_BYTE, 3) & 0xff);
    }

    private static String join(List<Integer> ports) {
        return String.join(",", ports.stream().map(String::valueOf).toList());
    }

    /** A call failed; the message is the answer line. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }
}
