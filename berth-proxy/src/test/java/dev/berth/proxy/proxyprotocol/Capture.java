package dev.berth.proxy.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/** Stands where the policy and relay handlers stand: records whether it was activated and the bytes it got. */
final class Capture extends ChannelInboundHandlerAdapter {

    boolean active;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf b) {
                bytes.writeBytes(ByteBufUtil.getBytes(b));
            } else {
                throw new AssertionError("unexpected message " + msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
    }
}
