package dev.berth.proxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.ip.Prefix;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.policy.TrustedSources;
import dev.berth.server.logging.LogRateLimiter;
import dev.berth.testing.InetEmbeddedChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The receiving side on an {@link InetEmbeddedChannel}: trust, decode, hand-over of the bytes after the header, timeouts. */
class HeaderHandlerTest {

    static final InetSocketAddress TRUSTED_PEER = new InetSocketAddress(InetAddress.ofLiteral("10.0.0.5"), 40000);
    static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.ofLiteral("10.0.0.2"), 15001);

    /** A channel as the listener builds it: decoder, header handler, then what follows (the capture). */
    static final class Harness {
        final ConnectionInfo info;
        final Capture capture = new Capture();
        final InetEmbeddedChannel channel;

        Harness(InetSocketAddress peer) {
            info = new ConnectionInfo(1, "in", "app", peer, LOCAL);
            ProxyProtocolReceiver receiver = new ProxyProtocolReceiver("in",
                    TrustedSources.of(List.of(Prefix.parse("10.0.0.0/8"), Prefix.parse("::1"))), Duration.ofSeconds(5),
                    new LogRateLimiter(Duration.ofSeconds(1)));
            channel = new InetEmbeddedChannel(peer, LOCAL, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    receiver.install(ch.pipeline(), info);
                    ch.pipeline().addLast(capture);
                }
            });
        }

        Harness() {
            this(TRUSTED_PEER);
        }

        void write(byte[] bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }

        void write(String text) {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** True when only the capture is left after the channel's head. */
        boolean handlersLeft() {
            return channel.pipeline().get("proxy-protocol") != null || channel.pipeline().get("proxy-protocol-decoder") != null;
        }
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    @ParameterizedTest(name = "v{0} {1}")
    @CsvSource({"1, 192.0.2.7", "2, 192.0.2.7", "1, 2001:db8::7", "2, 2001:db8::7"})
    void aHeaderFromATrustedPeerNamesTheClientAndTheBytesAfterItPassUnchanged(int version, String client) {
        Harness h = new Harness();
        assertThat(h.capture.active).isFalse();
        InetSocketAddress source = at(client, 51234);
        InetSocketAddress destination = at(client.contains(":") ? "2001:db8::2" : "198.51.100.2", 443);
        byte[] header = version == 1 ? ProxyHeaderEncoder.v1(source, destination) : ProxyHeaderEncoder.v2(source, destination);
        byte[] after = "hello\r\nPROXY TCP4 1.1.1.1 2.2.2.2 1 2\r\n\0\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(header, header.length + after.length);
        System.arraycopy(after, 0, all, header.length, after.length);
        h.write(all);
        assertThat(h.capture.active).isTrue();
        assertThat(h.info.client()).isEqualTo(source);
        assertThat(h.info.sourceAddress()).isEqualTo(source);
        assertThat(h.info.destinationAddress()).isEqualTo(destination);
        assertThat(h.info.reason()).isNull();
        assertThat(h.capture.bytes.toByteArray()).isEqualTo(after);
        assertThat(h.handlersLeft()).isFalse();
        h.write("more");
        assertThat(h.capture.bytes.toString(StandardCharsets.ISO_8859_1)).endsWith("more");
        h.channel.finishAndReleaseAll();
    }

    @Test
    void aHeaderArrivingOneByteAtATimeIsWaitedFor() {
        Harness h = new Harness();
        byte[] header = ProxyHeaderEncoder.v2(at("192.0.2.7", 1), at("10.0.0.2", 2));
        for (int i = 0; i < header.length - 1; i++) {
            h.write(new byte[] {header[i]});
            assertThat(h.capture.active).isFalse();
        }
        h.write(new byte[] {header[header.length - 1]});
        assertThat(h.capture.active).isTrue();
        assertThat(h.info.client()).isEqualTo(at("192.0.2.7", 1));
        assertThat(h.capture.bytes.size()).isZero();
        h.channel.finishAndReleaseAll();
    }

    @Test
    void localCommandAndUnknownKeepTheDirectPeerAsTheClient() {
        Harness v2 = new Harness();
        v2.write(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000"));
        assertThat(v2.capture.active).isTrue();
        assertThat(v2.info.client()).isNull();
        assertThat(v2.info.sourceAddress()).isEqualTo(TRUSTED_PEER);
        v2.channel.finishAndReleaseAll();

        Harness v1 = new Harness();
        v1.write("PROXY UNKNOWN\r\n");
        assertThat(v1.capture.active).isTrue();
        assertThat(v1.info.client()).isNull();
        v1.channel.finishAndReleaseAll();
    }

    @Test
    void aPeerOutsideTrustedSourcesIsClosedAtAcceptWithoutReadingAByte() {
        Harness h = new Harness(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.99"), 40000));
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.capture.active).isFalse();
        assertThat(h.info.reason()).isEqualTo(ReasonCode.PP);
        assertThat(h.info.detail()).isEqualTo("PROXY protocol header not accepted from 192.0.2.99 (not in trusted_sources)");
        h.channel.finishAndReleaseAll();
    }

    @Test
    void anIpv4MappedTrustedPeerIsTrusted() {
        Harness h = new Harness(new InetSocketAddress(InetAddress.ofLiteral("::ffff:10.1.1.1"), 40000));
        h.write("PROXY TCP4 192.0.2.1 192.0.2.2 1000 2000\r\n");
        assertThat(h.capture.active).isTrue();
        h.channel.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not PROXY at all                  | GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
            "v1 with a bad address             | PROXY TCP4 300.0.0.1 10.0.0.2 1 2\\r\\n",
            "v1 with the wrong family          | PROXY TCP4 ::1 ::1 1 2\\r\\n",
            "v1 with a port out of range       | PROXY TCP4 1.1.1.1 2.2.2.2 70000 2\\r\\n",
            "v1 with two spaces                | PROXY  TCP4 1.1.1.1 2.2.2.2 1 2\\r\\n",
            "v1 with a bare LF, then too long  | PROXY TCP4 1.1.1.1 2.2.2.2 1 2\\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "v1 longer than 108 bytes          | PROXY TCP4 1.1.1.1 2.2.2.2 1 2 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\r\\n"})
    void aMalformedV1HeaderIsClosedWithPp(String what, String text) {
        Harness h = new Harness();
        h.write(text.replace("\\r", "\r").replace("\\n", "\n"));
        assertThat(h.channel.isOpen()).as(what).isFalse();
        assertThat(h.capture.active).isFalse();
        assertThat(h.info.reason()).isEqualTo(ReasonCode.PP);
        assertThat(h.info.detail()).startsWith("malformed PROXY protocol header: ");
        assertThat(h.capture.bytes.size()).isZero();
        h.channel.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "version 1 in a v2 header,      0d0a0d0a000d0a515549540a 11 11 000c c0000207 0a000002 c822 3a99",
            "command 2,                     0d0a0d0a000d0a515549540a 22 11 000c c0000207 0a000002 c822 3a99",
            "TCP4 with a short block,       0d0a0d0a000d0a515549540a 21 11 0004 c0000207",
            "unknown family,                0d0a0d0a000d0a515549540a 21 41 000c c0000207 0a000002 c822 3a99",
            "UNIX stream,                   0d0a0d0a000d0a515549540a 21 31 00d8 " + "00",
            "TLVs over the limit,           0d0a0d0a000d0a515549540a 21 11 ffff c0000207 0a000002 c822 3a99"})
    void aMalformedOrOversizedV2HeaderIsClosedWithPp(String what, String hex) {
        Harness h = new Harness();
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        if (what.startsWith("UNIX")) {
            bytes = Arrays.copyOf(bytes, 16 + 216); // the whole (zeroed) address block
        }
        if (what.startsWith("TLVs")) {
            bytes = Arrays.copyOf(bytes, 16 + 12 + ProxyProtocolReceiver.MAX_TLV_BYTES + 1000);
        }
        h.write(bytes);
        assertThat(h.channel.isOpen()).as(what).isFalse();
        assertThat(h.capture.active).isFalse();
        assertThat(h.info.reason()).isEqualTo(ReasonCode.PP);
        assertThat(h.capture.bytes.size()).isZero();
        h.channel.finishAndReleaseAll();
    }

    @Test
    void aHeaderNotCompleteInTimeIsClosedWithPp() {
        Harness h = new Harness();
        h.write("PROXY TCP4 192.0.2.1 ");
        // The embedded clock also runs in real time (the timer was armed when the channel was
        // built), so "not yet" is checked with a second to spare, not a millisecond.
        h.channel.advanceTimeBy(4000, TimeUnit.MILLISECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isTrue();
        h.channel.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.info.reason()).isEqualTo(ReasonCode.PP);
        assertThat(h.info.detail()).isEqualTo("no complete PROXY protocol header within 5000 ms");
        h.channel.finishAndReleaseAll();
    }

    @Test
    void theTimeoutIsCancelledOnceTheHeaderIsRead() {
        Harness h = new Harness();
        h.write("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n");
        h.channel.advanceTimeBy(10, TimeUnit.SECONDS);
        h.channel.runScheduledPendingTasks();
        assertThat(h.channel.isOpen()).isTrue();
        assertThat(h.info.reason()).isNull();
        h.channel.finishAndReleaseAll();
    }

    @Test
    void aClientThatHalfClosesBeforeItsHeaderIsCompleteIsClosed() {
        Harness h = new Harness();
        h.write("PROXY TCP4");
        h.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.capture.active).isFalse();
        assertThat(h.info.reason()).isEqualTo(ReasonCode.DC);
        h.channel.finishAndReleaseAll();
    }
}
