package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

/** Small blocking-socket helpers for talking to a berth process. */
final class Clients {

    private Clients() {}

    static Socket connect(String ip, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** Connects from {@code source} (an IP literal, port chosen by the kernel) to {@code ip:port}. */
    static Socket connectFrom(String source, String ip, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 5000);
            s.setSoTimeout(20_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Writes {@code data}, half-closes, and returns everything read until the peer's FIN;
     * reading runs alongside writing so that neither side's buffers fill up.
     */
    static byte[] exchange(Socket s, byte[] data) throws Exception {
        CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
            try {
                return s.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        s.getOutputStream().write(data);
        s.shutdownOutput();
        return back.get();
    }

    /** A port nothing listens on at {@code ip} right now (bind to 0 and let go). */
    static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.ofLiteral(ip))) {
            return s.getLocalPort();
        }
    }

    /** True when a connect is actively refused (nothing listens), false when it connects. */
    static boolean refused(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
