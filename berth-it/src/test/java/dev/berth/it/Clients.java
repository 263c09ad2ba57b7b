package dev.berth.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Small blocking-socket helpers for talking to a berth process. */
final class Clients {

    private Clients() {}

    static Socket connect(String ip, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.ofLiteral(ip), port), 5000);
        s.setSoTimeout(20_000);
        return s;
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
