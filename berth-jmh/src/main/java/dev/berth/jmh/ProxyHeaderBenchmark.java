package dev.berth.jmh;

import dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder;
import dev.berth.proxy.proxyprotocol.ProxyProtocolReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * PROXY protocol headers, both ways. Encode: {@link ProxyHeaderEncoder#v1} and {@link
 * ProxyHeaderEncoder#v2}, what a connection to a {@code proxy_protocol: v1|v2} cluster writes
 * first. Decode: what a {@code proxy_protocol: accept} listener pays per connection — a new
 * {@link HAProxyMessageDecoder} (with {@link ProxyProtocolReceiver#MAX_TLV_BYTES}, as the
 * receiver installs it) added to the pipeline, the header bytes read, the decoded message
 * taken out and released, and the decoder removing itself. One {@link EmbeddedChannel} is
 * reused, so its own set-up is not in the number.
 */
@State(Scope.Thread)
public class ProxyHeaderBenchmark extends BenchmarkDefaults {

    @Param({"ipv4", "ipv6"})
    public String family;

    private InetSocketAddress source;
    private InetSocketAddress destination;
    private ByteBuf v1Header;
    private ByteBuf v2Header;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        if (family.equals("ipv4")) {
            source = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 51234);
            destination = new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 15001);
        } else {
            source = new InetSocketAddress(InetAddress.getByName("2001:db8:85a3::8a2e:370:7334"), 51234);
            destination = new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 15001);
        }
        v1Header = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ProxyHeaderEncoder.v1(source, destination)));
        v2Header = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ProxyHeaderEncoder.v2(source, destination)));
        channel = new EmbeddedChannel();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public byte[] encodeV1() {
        return ProxyHeaderEncoder.v1(source, destination);
    }

    @Benchmark
    public byte[] encodeV2() {
        return ProxyHeaderEncoder.v2(source, destination);
    }

    @Benchmark
    public int decodeV1() {
        return decode(v1Header);
    }

    @Benchmark
    public int decodeV2() {
        return decode(v2Header);
    }

    private int decode(ByteBuf header) {
        channel.pipeline().addLast(new HAProxyMessageDecoder(ProxyProtocolReceiver.MAX_TLV_BYTES));
        channel.writeInbound(header.duplicate());
        HAProxyMessage message = channel.readInbound();
        if (message == null || channel.pipeline().first() != null) {
            throw new IllegalStateException("decoder produced " + message + ", pipeline " + channel.pipeline().names());
        }
        int port = message.sourcePort();
        message.release();
        return port;
    }
}
