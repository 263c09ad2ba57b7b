package dev.berth.echo;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Echoes one connection: every byte that arrives is written back, in order.
 *
 * <p>The channel runs with {@code AUTO_READ} off and this handler asks for each read itself:
 * after a batch of reads it flushes once, and it reads again only while the channel is
 * writable (the outbound buffer is below the high-water mark). A client that sends without
 * reading therefore stops being read from, and the kernel's flow control pushes back on it;
 * the server never buffers more than {@link EchoOptions#HIGH_WATER_MARK} plus one read.
 *
 * <p>A FIN from the client (half-close) is answered by flushing everything received, then
 * closing. Idle timeout and drain close with their own reason; I/O errors close with
 * {@link CloseReason#ERROR}. One record per connection goes to the observer at close.
 */
final class EchoHandler extends ChannelInboundHandlerAdapter {

    private final long id;
    private final ConnectionObserver observer;
    private ChannelHandlerContext ctx;
    private InetSocketAddress peer;
    private InetSocketAddress local;
    private long openedNanos;
    private long bytesIn;
    private long bytesOut;
    private boolean readPaused;
    private boolean inputShutdown;
    private CloseReason reason;
    private String error;

    EchoHandler(long id, ConnectionObserver observer) {
        this.id = id;
        this.observer = observer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        openedNanos = System.nanoTime();
        peer = (InetSocketAddress) ctx.channel().remoteAddress();
        local = (InetSocketAddress) ctx.channel().localAddress();
        observer.opened(id, peer, local);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || reason != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = buf.readableBytes();
        bytesIn += n;
        ctx.write(buf).addListener(new SentBytes(n));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (inputShutdown || reason != null) {
            return;
        }
        if (ctx.channel().isWritable()) {
            ctx.read();
        } else {
            readPaused = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && readPaused && !inputShutdown && reason == null) {
            readPaused = false;
            ctx.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent FIN: echo what is still queued, then close our side.
            inputShutdown = true;
            if (reason == null) {
                reason = CloseReason.CLIENT;
            }
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (evt instanceof IdleStateEvent) {
            end(CloseReason.IDLE_TIMEOUT);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (reason == null) {
            reason = CloseReason.ERROR;
            error = String.valueOf(cause.getMessage());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        CloseReason why = reason == null ? CloseReason.CLIENT : reason;
        observer.closed(new ConnectionRecord(
                id, peer, local, bytesIn, bytesOut,
                Duration.ofNanos(System.nanoTime() - openedNanos), why, error));
        ctx.fireChannelInactive();
    }

    /**
     * Closes the connection for {@code why} unless it is already ending for another reason.
     * Safe from any thread.
     */
    void end(CloseReason why) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> end(why));
            return;
        }
        if (reason == null) {
            reason = why;
        }
        ctx.close();
    }

    /** Counts bytes out only once the kernel has taken them, so a reset never over-reports. */
    private final class SentBytes implements ChannelFutureListener {
        private final int n;

        SentBytes(int n) {
            this.n = n;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            if (future.isSuccess()) {
                bytesOut += n;
            }
        }
    }
}
