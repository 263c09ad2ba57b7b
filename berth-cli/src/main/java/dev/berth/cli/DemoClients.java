package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The demo's clients: short blocking conversations through the proxy over loopback, each
 * checked byte for byte and bounded by a socket timeout. They report what happened; they do not
 * throw for a conversation that went wrong.
 */
final class DemoClients {

    static final int SOCKET_TIMEOUT_MS = 5000;
    private static final int PAYLOAD_BYTES = 1 << 20;

    /** One client's conversation and whether every byte came back. */
    record ClientRun(String label, InetSocketAddress client, InetSocketAddress server,
                     long sent, long received, boolean exact, String what) {}

    /**
     * What a client that the policy refuses saw.
     *
     * @param client  its address, or {@code null} when it could not even bind its source
     * @param refused true when the proxy closed the connection without a byte
     */
    record Refusal(InetSocketAddress client, InetSocketAddress server, boolean refused, String seen) {}

    private DemoClients() {}

    /** Three short messages, one at a time, each read back before the next. */
    static ClientRun messages(String family, InetSocketAddress server) throws IOException {
        try (Socket s = connect(server)) {
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            long sent = 0;
            long received = 0;
            boolean exact = true;
            for (String text : List.of("hello over " + family, "ports are plumbing", "bye")) {
                byte[] msg = (text + "\n").getBytes(StandardCharsets.UTF_8);
                o.write(msg);
                o.flush();
                sent += msg.length;
                byte[] back = in.readNBytes(msg.length);
                received += back.length;
                exact &= Arrays.equals(msg, back);
            }
            s.shutdownOutput();
            exact &= in.read() == -1;
            return new ClientRun(family, (InetSocketAddress) s.getLocalSocketAddress(), server, sent, received, exact,
                    "3 messages, then FIN; server closed after echoing");
        }
    }

    /** 1 MiB of random bytes written, then FIN; everything read back and compared by SHA-256. */
    static ClientRun payload(String family, InetSocketAddress server) throws Exception {
        byte[] data = new byte[PAYLOAD_BYTES];
        new Random(8888).nextBytes(data);
        try (Socket s = connect(server)) {
            ByteArrayOutputStream back = new ByteArrayOutputStream(PAYLOAD_BYTES);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    s.getInputStream().transferTo(back);
                } catch (IOException e) {
                    // compared below
                }
            });
            s.getOutputStream().write(data);
            s.shutdownOutput();
            reader.join(SOCKET_TIMEOUT_MS);
            boolean exact = Arrays.equals(sha256(data), sha256(back.toByteArray()));
            return new ClientRun(family, (InetSocketAddress) s.getLocalSocketAddress(), server, data.length, back.size(),
                    exact, "1 MiB random, SHA-256 " + HexFormat.of().formatHex(sha256(data)).substring(0, 12) + (exact ? "… matched" : "… differs"));
        }
    }

    /** One line written, FIN, the line read back, then the server's FIN; a failure is reported, not thrown. */
    static ClientRun line(String family, InetSocketAddress server, String text) {
        byte[] msg = (text + "\n").getBytes(StandardCharsets.UTF_8);
        try (Socket s = connect(server)) {
            s.getOutputStream().write(msg);
            s.shutdownOutput();
            byte[] back = s.getInputStream().readAllBytes();
            return new ClientRun(family, (InetSocketAddress) s.getLocalSocketAddress(), server, msg.length, back.length,
                    Arrays.equals(msg, back), "one line, then FIN");
        } catch (IOException e) {
            return new ClientRun(family, null, server, msg.length, 0, false, "failed: " + e.getMessage());
        }
    }

    /**
     * Connects from {@code source} and waits for the proxy's verdict without sending: a denied
     * client reads end of stream (or a reset) at once, before any byte.
     */
    static Refusal fromDeniedSource(InetAddress source, InetSocketAddress server) throws IOException {
        try (Socket s = new Socket()) {
            try {
                s.bind(new InetSocketAddress(source, 0));
            } catch (IOException e) {
                return new Refusal(null, server, false, "cannot bind " + source.getHostAddress() + " here (" + e.getMessage() + ")");
            }
            s.connect(server, SOCKET_TIMEOUT_MS);
            s.setSoTimeout(SOCKET_TIMEOUT_MS);
            InetSocketAddress client = (InetSocketAddress) s.getLocalSocketAddress();
            try {
                int first = s.getInputStream().read();
                return first == -1
                        ? new Refusal(client, server, true, "closed by the proxy at once, before any byte (end of stream)")
                        : new Refusal(client, server, false, "the proxy let it through (it read a byte)");
            } catch (SocketException e) {
                return new Refusal(client, server, true, "reset by the proxy at once, before any byte");
            }
        }
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, SOCKET_TIMEOUT_MS);
            s.setSoTimeout(SOCKET_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
