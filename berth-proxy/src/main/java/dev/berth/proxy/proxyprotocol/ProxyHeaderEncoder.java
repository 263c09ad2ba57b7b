package dev.berth.proxy.proxyprotocol;

import dev.berth.ip.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes PROXY protocol headers (HAProxy's {@code doc/proxy-protocol.txt}) for a TCP connection
 * from {@code source} to {@code destination}: version 1 as {@code PROXY TCP4 src dst sport dport\r\n},
 * version 2 as the binary form with command PROXY and no TLVs. Pure functions over addresses;
 * no Netty.
 *
 * <p>Both addresses of a header are one family. When they differ (an IPv4 client reaching an
 * IPv6 listener address, or the reverse) the IPv4 one is written as IPv4-mapped IPv6 and the
 * header is TCP6. IPv6 scope ids are not carried.
 */
public final class ProxyHeaderEncoder {

    /** The 12-byte v2 signature; it contains a NUL, so no text protocol starts with it. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static final byte V2_PROXY = 0x21; // version 2, command PROXY
    private static final byte V2_LOCAL = 0x20; // version 2, command LOCAL
    private static final byte TCP4 = 0x11;
    private static final byte TCP6 = 0x21;

    private ProxyHeaderEncoder() {}

    /** {@code PROXY TCP4 192.0.2.7 10.0.0.2 51234 15001\r\n} (at most 104 bytes, within the spec's 107). */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        byte[][] ips = sameFamily(source.getAddress(), destination.getAddress());
        String family = ips[0].length == 4 ? "TCP4" : "TCP6";
        String line = "PROXY " + family + " " + text(ips[0]) + " " + text(ips[1]) + " "
                + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** The binary header: signature, version/command, family, length, addresses and ports (28 or 52 bytes). */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
        byte[][] ips = sameFamily(source.getAddress(), destination.getAddress());
        boolean v4 = ips[0].length == 4;
        int addressBlock = v4 ? 12 : 36;
        ByteBuffer b = ByteBuffer.allocate(16 + addressBlock);
        b.put(V2_SIGNATURE).put(V2_PROXY).put(v4 ? TCP4 : TCP6).putShort((short) addressBlock);
        b.put(ips[0]).put(ips[1]).putShort((short) source.getPort()).putShort((short) destination.getPort());
        return b.array();
    }

    /**
     * The header a connection of the proxy's own (a health check) sends: {@code PROXY UNKNOWN\r\n}
     * for v1, command LOCAL with family UNSPEC and no addresses for v2. The receiver then uses
     * the connection's real addresses (the spec's rule for health checks).
     */
    public static byte[] local(int version) {
        if (version == 1) {
            return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put(V2_SIGNATURE).put(V2_LOCAL).put((byte) 0x00).putShort((short) 0);
        return b.array();
    }

    /** The two addresses' bytes, both 4 or both 16 long. */
    private static byte[][] sameFamily(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            x = x.length == 4 ? mapped(x) : x;
            y = y.length == 4 ? mapped(y) : y;
        }
        return new byte[][] {x, y};
    }

    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }

    /** Dotted quad, or IPv6 in RFC 5952 form (lower case, longest zero run as {@code ::}). */
    private static String text(byte[] ip) {
        return IpAddress.ofBytes(ip).toCanonicalString();
    }
}
