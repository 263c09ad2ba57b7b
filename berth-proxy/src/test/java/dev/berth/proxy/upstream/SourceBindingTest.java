package dev.berth.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.berth.server.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which connections a source address binds, and that epoll sockets get IP_BIND_ADDRESS_NO_PORT. */
@Timeout(30)
class SourceBindingTest {

    private static final InetSocketAddress V4 = new InetSocketAddress(InetAddress.ofLiteral("10.0.0.7"), 80);
    private static final InetSocketAddress V6 = new InetSocketAddress(InetAddress.ofLiteral("2001:db8::7"), 80);

    @Test
    void aSourceAddressBindsConnectionsOfItsOwnFamilyOnly() {
        SourceBinding v4 = SourceBinding.of("t1", InetAddress.ofLiteral("127.0.0.1"), EpollSocketChannel.class);
        assertThat(v4.localFor(V4)).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
        assertThat(v4.localFor(V6)).isNull();
        SourceBinding v6 = SourceBinding.of("t2", InetAddress.ofLiteral("::1"), EpollSocketChannel.class);
        assertThat(v6.localFor(V6)).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
        assertThat(v6.localFor(V4)).isNull();
        assertThat(SourceBinding.NONE.localFor(V4)).isNull();
        assertThat(SourceBinding.of("t3", null, EpollSocketChannel.class)).isSameAs(SourceBinding.NONE);
    }

    @Test
    void onNioThePortIsTakenAtBindOnEpollItIsNot() {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        assertThat(SourceBinding.of("t4", lo, NioSocketChannel.class).bindsPortFirst(V4)).isTrue();
        assertThat(SourceBinding.of("t4", lo, EpollSocketChannel.class).bindsPortFirst(V4)).isFalse();
        assertThat(SourceBinding.of("t4", lo, NioSocketChannel.class).bindsPortFirst(V6)).as("not bound at all").isFalse();
        assertThat(SourceBinding.of("t5", InetAddress.ofLiteral("192.0.2.1"), EpollSocketChannel.class).unavailable())
                .isEqualTo("source_address 192.0.2.1 is not an address of this host (EADDRNOTAVAIL at bind)");
    }

    @Test
    void anEpollConnectionFromTheSourceHasIpBindAddressNoPortSet() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
        InetAddress source = InetAddress.ofLiteral("127.0.0.2");
        SourceBinding binding = SourceBinding.of("t6", source, EpollSocketChannel.class);
        EventLoopGroup group = Transport.EPOLL.newGroup(1, "source-binding-test");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
            InetSocketAddress to = (InetSocketAddress) server.getLocalSocketAddress();
            Channel ch = binding.configure(new Bootstrap()).group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(to, binding.localFor(to)).sync().channel();
            try {
                assertThat(ch.config().getOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT)).isTrue();
                assertThat(((InetSocketAddress) ch.localAddress()).getAddress()).isEqualTo(source);
            } finally {
                ch.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
