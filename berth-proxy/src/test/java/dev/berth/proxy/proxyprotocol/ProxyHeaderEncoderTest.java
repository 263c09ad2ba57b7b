package dev.berth.proxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Headers as the spec spells them, and what Netty's decoder (an independent reader) makes of them. */
class ProxyHeaderEncoderTest {

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    @Test
    void v1IsOneLineWithSingleSpacesAndCrlf() {
        assertThat(new String(ProxyHeaderEncoder.v1(at("192.0.2.7", 51234), at("10.0.0.2", 15001)), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 192.0.2.7 10.0.0.2 51234 15001\r\n");
        assertThat(new String(ProxyHeaderEncoder.v1(at("2001:db8:0:0:0:0:0:7", 1), at("::1", 65535)), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP6 2001:db8::7 ::1 1 65535\r\n");
    }

    @Test
    void v1OfTheLongestAddressesFitsTheSpecsLimit() {
        byte[] h = ProxyHeaderEncoder.v1(at("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 65535),
                at("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535));
        assertThat(h.length).isLessThanOrEqualTo(107);
    }

    @Test
    void v2IsSignatureVersionFamilyLengthAddressesPorts() {
        assertThat(HexFormat.of().formatHex(ProxyHeaderEncoder.v2(at("192.0.2.7", 51234), at("10.0.0.2", 15001))))
                .isEqualTo("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "c0000207" + "0a000002" + "c822" + "3a99");
        byte[] v6 = ProxyHeaderEncoder.v2(at("2001:db8::7", 1), at("::1", 2));
        assertThat(v6).hasSize(16 + 36);
        assertThat(HexFormat.of().formatHex(v6, 12, 16)).isEqualTo("21210024");
    }

    @Test
    void mixedFamiliesAreSentAsIpv6WithTheIpv4AddressMapped() {
        assertThat(new String(ProxyHeaderEncoder.v1(at("192.0.2.7", 5), at("::1", 6)), StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP6 ::ffff:192.0.2.7 ::1 5 6\r\n");
        HAProxyMessage m = decode(ProxyHeaderEncoder.v2(at("::1", 5), at("192.0.2.7", 6)));
        try {
            assertThat(m.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP6);
            assertThat(InetAddress.ofLiteral(m.destinationAddress())).isEqualTo(InetAddress.ofLiteral("192.0.2.7"));
        } finally {
            m.release();
        }
    }

    @ParameterizedTest(name = "v{0} {1} -> {2}")
    @CsvSource({
            "1, 192.0.2.7, 10.0.0.2", "2, 192.0.2.7, 10.0.0.2",
            "1, 2001:db8::7, fd00::2", "2, 2001:db8::7, fd00::2",
            "1, 0.0.0.0, 255.255.255.255", "2, ::, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"})
    void nettysDecoderReadsBackWhatWasWritten(int version, String src, String dst) {
        InetSocketAddress source = at(src, 40000 + version);
        InetSocketAddress destination = at(dst, 8080);
        byte[] header = version == 1 ? ProxyHeaderEncoder.v1(source, destination) : ProxyHeaderEncoder.v2(source, destination);
        HAProxyMessage m = decode(header);
        try {
            assertThat(m.protocolVersion()).isEqualTo(version == 1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
            assertThat(m.command()).isEqualTo(HAProxyCommand.PROXY);
            assertThat(m.proxiedProtocol()).isEqualTo(src.contains(":") ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4);
            assertThat(InetAddress.ofLiteral(m.sourceAddress())).isEqualTo(source.getAddress());
            assertThat(InetAddress.ofLiteral(m.destinationAddress())).isEqualTo(destination.getAddress());
            assertThat(m.sourcePort()).isEqualTo(source.getPort());
            assertThat(m.destinationPort()).isEqualTo(8080);
        } finally {
            m.release();
        }
    }

    /** Decodes one header with Netty's decoder; fails unless exactly one message and no byte is left. */
    static HAProxyMessage decode(byte[] header) {
        EmbeddedChannel ch = new EmbeddedChannel(new HAProxyMessageDecoder());
        assertThat(ch.writeInbound(Unpooled.wrappedBuffer(header))).isTrue();
        HAProxyMessage m = ch.readInbound();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
        return m;
    }
}
