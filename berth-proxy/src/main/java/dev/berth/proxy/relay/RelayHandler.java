package dev.berth.proxy.relay;

import dev.berth.proxy.observe.ConnectionInfo.Side;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of the pump, on one side's channel: what it reads is written to the peer.
 *
 * <p>Reads are requested one at a time. After a batch it flushes the peer once and reads again
 * only if the peer is writable (its outbound buffer below the high-water mark); otherwise it
 * waits until the peer's writability comes back ({@link #resume()}, called from the peer's
 * handler). That bounds what one direction holds to the water mark plus one read, and a slow
 * reader on either side stops reads on the other. Writes use the void promise: no allocation
 * per read, failures arrive as {@code exceptionCaught} on the channel that failed.
 *
 * <p>Once this direction has moved {@code spliceAfter} bytes (0: from the start; negative:
 * never) and a single read batch brought at least {@link #BULK_BATCH_BYTES} (the socket had
 * a bulk backlog, not one small message) it switches to the zero-copy relay when it can —
 * a long-lived chatty connection stays on the copying path, where 64-byte exchanges measured
 * a little cheaper. A {@link SpliceReader} takes over
 * reading, this handler stops requesting reads, and anything Netty still reads on its own
 * (at a half-close) is copied as before, after the spliced bytes already queued. Small
 * exchanges never pay the switch (a pipe, a duplicate fd, an epoll entry).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final ProxyConnection conn;
    private final Side side;
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean inputShut;
    private long spliceAfter;
    private final int pipeSize;
    private long relayed;
    private int batch;
    private SpliceReader splice;

    /** Bytes one read batch must bring before a direction past {@code spliceAfter} switches to splice. */
    static final int BULK_BATCH_BYTES = 32 * 1024;

    /**
     * @param spliceAfter bytes copied before switching to splice; 0 = splice from the start, negative = never
     * @param pipeSize    the splice pipe's size (the direction's buffer)
     */
    RelayHandler(ProxyConnection conn, Side side, long spliceAfter, int pipeSize) {
        this.conn = conn;
        this.side = side;
        this.spliceAfter = spliceAfter;
        this.pipeSize = pipeSize;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (side == Side.DOWNSTREAM) {
            conn.start();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel peer = conn.peerOf(side);
        if (peer == null && side == Side.DOWNSTREAM && msg instanceof ByteBuf early) {
            // Bytes can arrive before the endpoint is connected: those that followed a PROXY
            // header in the same read, and what epoll reads from a closing socket (RDHUP) even
            // with AUTO_READ off. Hold them; they go first once it is.
            conn.holdEarly(early);
            return;
        }
        if (peer == null || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            int n = buf.readableBytes();
            conn.counted(side, n);
            relayed += n;
            batch += n;
        }
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = conn.peerOf(side);
        if (peer == null) {
            return;
        }
        peer.flush();
        conn.activity();
        if (inputShut || splice != null) {
            return; // nothing more will come from this side, or the splice reader reads it
        }
        boolean bulk = batch >= BULK_BATCH_BYTES;
        batch = 0;
        if (spliceAfter >= 0 && relayed >= spliceAfter && bulk && startSplicing(peer)) {
            return;
        }
        if (peer.isWritable()) {
            ctx.read();
        } else {
            paused = true;
        }
    }

    /** Hands reading to a splice reader; false (and copying for good) when this pair cannot splice. */
    private boolean startSplicing(Channel peer) {
        splice = SpliceReader.open(this, conn, side, ctx.channel(), peer, pipeSize);
        if (splice == null) {
            spliceAfter = -1;
            return false;
        }
        splice.pump();
        return true;
    }

    /**
     * The splice reader reached EOF: one read through Netty sees it too and fires the same
     * input-shutdown event (or close, without half-closure) as the copying relay.
     */
    void spliceEnded() {
        if (!inputShut && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    /** The peer can take more again: read if this side was waiting for it. */
    void resume() {
        if (splice != null) {
            splice.resume();
            return;
        }
        if (paused) {
            paused = false;
            if (ctx.channel().isActive() && !inputShut) {
                ctx.read();
            }
        }
    }

    /** Starts reading (once both sides are connected). */
    void startReading() {
        if (spliceAfter == 0 && startSplicing(conn.peerOf(side))) {
            return;
        }
        ctx.read();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            conn.handlerOf(side == Side.DOWNSTREAM ? Side.UPSTREAM : Side.DOWNSTREAM).resume();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !inputShut) {
            inputShut = true;
            if (splice != null) {
                splice.stop();
            }
            conn.inputShutdown(side);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        conn.failed(side, ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conn.inactive(side, ctx.channel());
        ctx.fireChannelInactive();
    }
}
