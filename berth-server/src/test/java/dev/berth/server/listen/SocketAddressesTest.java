package dev.berth.server.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {

    @Test
    void formatsIpv6InRfc5952Form() {
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("::"))).isEqualTo("::");
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("2001:0DB8::0001"))).isEqualTo("2001:db8::1");
        assertThat(SocketAddresses.ip(InetAddress.ofLiteral("fe80:0:0:0:0:0:0:0"))).isEqualTo("fe80::");
    }

    @Test
    void formatsSocketAddressesWithBracketsForIpv6() {
        assertThat(SocketAddresses.format(new InetSocketAddress(InetAddress.ofLiteral("::1"), 80))).isEqualTo("[::1]:80");
        assertThat(SocketAddresses.format(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 8080))).isEqualTo("10.0.0.1:8080");
    }

    @Test
    void compressedFormParsesBackToTheSameAddress() {
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = new byte[16];
            for (int g = 0; g < 8; g++) {
                // Many zero groups so that runs of zeros of every length occur.
                int value = random.nextInt(3) == 0 ? random.nextInt(0x10000) : 0;
                bytes[2 * g] = (byte) (value >> 8);
                bytes[2 * g + 1] = (byte) value;
            }
            if (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0 && bytes[4] == 0 && bytes[5] == 0
                    && bytes[6] == 0 && bytes[7] == 0 && bytes[8] == 0 && bytes[9] == 0) {
                continue; // would be IPv4-compatible/mapped: the JDK turns those into other forms
            }
            InetAddress address = InetAddress.ofLiteral(hex(bytes));
            String text = SocketAddresses.ip(address);
            assertThat(InetAddress.ofLiteral(text)).isEqualTo(address);
            assertThat(text).doesNotContain(":::").doesNotContainPattern(":0[0-9a-f]");
            assertThat(text.split("::", -1).length).isLessThanOrEqualTo(2);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g > 0) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff)));
        }
        return sb.toString();
    }
}
