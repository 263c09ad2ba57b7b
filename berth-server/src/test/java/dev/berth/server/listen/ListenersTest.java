package dev.berth.server.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ListenersTest {

    @Test
    void aTakenPortFailsWithTheAddressAndPlainReasonAndLeavesNothingBound() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "test");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter());
            InetSocketAddress free = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), freePort());
            InetSocketAddress busy = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), taken.getLocalPort());
            assertThatThrownBy(() -> Listeners.bindAll(b, List.of(free, busy)))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
            // The first address was released again.
            try (ServerSocket again = new ServerSocket(free.getPort(), 50, free.getAddress())) {
                assertThat(again.isBound()).isTrue();
            }
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void bindsEveryAddressWithItsRealPort() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "test");
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter());
            List<Channel> bound = Listeners.bindAll(b, List.of(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)));
            assertThat(((InetSocketAddress) bound.getFirst().localAddress()).getPort()).isPositive();
            bound.getFirst().close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void explainsKernelErrorsInPlainWords() {
        assertThat(Listeners.explain(new IOException("bind(..) failed: Cannot assign requested address")))
                .startsWith("cannot assign requested address");
        assertThat(Listeners.explain(new IOException("bind(..) failed: Permission denied")))
                .contains("CAP_NET_BIND_SERVICE");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
