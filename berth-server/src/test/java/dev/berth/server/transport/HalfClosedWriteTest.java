package dev.berth.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * A server whose client has half-closed keeps writing a large reply: every byte must arrive.
 * On epoll this needs {@link EpollRegistrationFix} (Netty 4.2 loses the fd's epoll
 * registration once its interest set is empty, and the first write that waits for EPOLLOUT
 * then fails). Both transports must behave the same.
 */
@Timeout(60)
class HalfClosedWriteTest {

    private static final int REPLY = 8 << 20;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLargeReplyAfterTheClientsFinArrivesWhole(Transport transport) throws Exception {
        assumeTrue(transport.available(), () -> transport.label() + ": " + transport.unavailabilityReason());
        EventLoopGroup group = transport.newGroup(1, "half-close-test");
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    // As a proxy runs: reads only on request, so EPOLLIN is off between reads.
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.read();
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    ctx.read(); // until the FIN
                                }

                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof ChannelInputShutdownEvent) {
                                        // Let the event loop settle the fd's interest set first,
                                        // then reply with more than the socket buffers hold.
                                        ctx.executor().execute(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[REPLY]))
                                                .addListener((ChannelFutureListener) f -> ((DuplexChannel) ctx.channel()).shutdownOutput()));
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(32 * 1024);
                client.connect(server.localAddress(), 5000);
                client.setSoTimeout(30_000);
                client.getOutputStream().write('q');
                client.shutdownOutput();
                assertThat(client.getInputStream().readAllBytes()).hasSize(REPLY);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
