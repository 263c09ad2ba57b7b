// Baseline for bench/dial: a sequential dialer, the way the article Berth grew from connects.
//
//   java bench/dial/SequentialDial.java [--repeat N] [--timeout-ms MS] HOST PORT
//
// Resolves HOST with InetAddress.getAllByName (the same system resolver `berth dial` uses),
// puts the IPv6 addresses first and the IPv4 ones after (each group in resolver order, like
// the article's smart_connect with an IPv6 preference), then tries them one at a time with
// Socket.connect(address, 2000 ms) until one connects. The clock starts just before
// resolution and stops when connect() returns, so, like Berth's elapsed_ms, it includes
// resolution and excludes JVM start-up. Prints one JSON line per dial:
//
//   {"connected":true,"host":...,"port":...,"address":"10.9.9.1","family":"ipv4",
//    "elapsed_ms":2003,"elapsed_us":2003412,"iteration":1,
//    "attempts":[{"address":"fd00:9::99","family":"ipv6","start_ms":1,"end_ms":2002,"outcome":"timeout","error":"..."},...]}
//
// --repeat N dials N times in this JVM (one line each; later ones run warmer code). The JDK's
// name cache is switched off so every dial resolves again, as a fresh `berth dial` process does.
// Exit status: 0 if every dial connected, 1 if one did not, 2 on bad usage.

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;

public final class SequentialDial {

    /** One connect() call: where, when (ms since the dial started), how it ended. */
    record Attempt(InetAddress address, long startNanos, long endNanos, String outcome, String error) {}

    /** One whole dial: the winner (or null) and every attempt. */
    record Result(String host, int port, InetAddress winner, long elapsedNanos, List<Attempt> attempts, String error) {}

    public static void main(String[] args) {
        int repeat = 1;
        int timeoutMs = 2000;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                    case "--timeout-ms" -> timeoutMs = Integer.parseInt(args[++i]);
                    default -> positional.add(args[i]);
                }
            }
            if (positional.size() != 2 || repeat < 1 || repeat > 1000 || timeoutMs < 1) {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            System.err.println("usage: java SequentialDial.java [--repeat N (1-1000)] [--timeout-ms MS] HOST PORT");
            System.exit(2);
        }
        String host = positional.get(0);
        int port = Integer.parseInt(positional.get(1));

        // No positive or negative caching: each dial asks the resolver again (a fresh berth
        // process has an empty cache too). Must be set before the first lookup.
        Security.setProperty("networkaddress.cache.ttl", "0");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");

        boolean allConnected = true;
        for (int i = 1; i <= repeat; i++) {
            Result r = dial(host, port, timeoutMs);
            allConnected &= r.winner() != null;
            System.out.println(toJson(r, i));
            System.out.flush();
        }
        System.exit(allConnected ? 0 : 1);
    }

    /** Resolve, order IPv6 first, try each address in turn with a per-attempt timeout. */
    static Result dial(String host, int port, int timeoutMs) {
        long t0 = System.nanoTime();
        InetAddress[] resolved;
        try {
            resolved = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new Result(host, port, null, System.nanoTime() - t0, List.of(), "unknown host: " + e.getMessage());
        }
        List<InetAddress> ordered = new ArrayList<>();
        for (InetAddress a : resolved) {
            if (a instanceof Inet6Address) {
                ordered.add(a);
            }
        }
        for (InetAddress a : resolved) {
            if (!(a instanceof Inet6Address)) {
                ordered.add(a);
            }
        }

        List<Attempt> attempts = new ArrayList<>();
        for (InetAddress a : ordered) {
            long start = System.nanoTime();
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(a, port), timeoutMs);
                long end = System.nanoTime();
                attempts.add(new Attempt(a, start - t0, end - t0, "connected", null));
                closeQuietly(socket);
                return new Result(host, port, a, end - t0, attempts, null);
            } catch (SocketTimeoutException e) {
                attempts.add(new Attempt(a, start - t0, System.nanoTime() - t0, "timeout", e.getMessage()));
            } catch (ConnectException e) {
                String msg = String.valueOf(e.getMessage());
                attempts.add(new Attempt(a, start - t0, System.nanoTime() - t0,
                        msg.toLowerCase().contains("refused") ? "refused" : "error", msg));
            } catch (NoRouteToHostException e) {
                attempts.add(new Attempt(a, start - t0, System.nanoTime() - t0, "unreachable", e.getMessage()));
            } catch (IOException | RuntimeException e) {
                attempts.add(new Attempt(a, start - t0, System.nanoTime() - t0, "error", String.valueOf(e)));
            }
            closeQuietly(socket);
        }
        return new Result(host, port, null, System.nanoTime() - t0, attempts,
                ordered.isEmpty() ? "no addresses" : "every attempt failed");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    // ---- output --------------------------------------------------------------------------

    private static String toJson(Result r, int iteration) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"connected\":").append(r.winner() != null)
                .append(",\"host\":").append(str(r.host()))
                .append(",\"port\":").append(r.port())
                .append(",\"address\":").append(r.winner() == null ? "null" : str(r.winner().getHostAddress()))
                .append(",\"family\":").append(r.winner() == null ? "null" : str(family(r.winner())))
                // whole milliseconds, truncated, as Berth's Duration.toMillis() reports them
                .append(",\"elapsed_ms\":").append(r.elapsedNanos() / 1_000_000)
                .append(",\"elapsed_us\":").append(r.elapsedNanos() / 1_000)
                .append(",\"iteration\":").append(iteration)
                .append(",\"error\":").append(r.error() == null ? "null" : str(r.error()))
                .append(",\"attempts\":[");
        for (int i = 0; i < r.attempts().size(); i++) {
            Attempt a = r.attempts().get(i);
            sb.append(i == 0 ? "" : ",")
                    .append("{\"address\":").append(str(a.address().getHostAddress()))
                    .append(",\"family\":").append(str(family(a.address())))
                    .append(",\"start_ms\":").append(a.startNanos() / 1_000_000)
                    .append(",\"end_ms\":").append(a.endNanos() / 1_000_000)
                    .append(",\"outcome\":").append(str(a.outcome()))
                    .append(",\"error\":").append(a.error() == null ? "null" : str(a.error()))
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    private static String family(InetAddress a) {
        return a instanceof Inet6Address ? "ipv6" : "ipv4";
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
