package dev.berth.proxy.health.probe;

import dev.berth.proxy.config.HealthCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * A TCP check on a connected channel: passes on connect when there is nothing to send or
 * expect; otherwise writes {@code send}, then passes once {@code expect} has appeared anywhere in
 * the first {@link #MAX_ANSWER_BYTES} bytes of the answer.
 */
final class TcpExchange extends ChannelInboundHandlerAdapter {

    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final byte[] send;
    private final byte[] expect;
    private final Verdict verdict;
    private byte[] answer = new byte[0];

    TcpExchange(HealthCheckConfig config, Verdict verdict) {
        this.send = config.send() == null ? null : config.send().bytes();
        this.expect = config.expect() == null ? null : config.expect().bytes();
        this.verdict = verdict;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        verdict.active(ctx.channel());
        if (send != null) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(send)).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    verdict.fail("sending failed: " + Probe.describe(f.cause()));
                } else if (expect == null) {
                    verdict.pass("connected, sent " + send.length + " bytes");
                }
            });
        } else if (expect == null) {
            verdict.pass("connected");
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (expect == null || !(msg instanceof ByteBuf buf)) {
                return;
            }
            int n = Math.min(buf.readableBytes(), MAX_ANSWER_BYTES - answer.length);
            int old = answer.length;
            answer = Arrays.copyOf(answer, old + n);
            buf.getBytes(buf.readerIndex(), answer, old, n);
            if (indexOf(answer, expect, Math.max(0, old - expect.length + 1)) >= 0) {
                verdict.pass("the expected " + expect.length + " bytes arrived");
            } else if (answer.length >= MAX_ANSWER_BYTES) {
                verdict.fail("the expected bytes were not in the first " + MAX_ANSWER_BYTES + " bytes of the answer");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        verdict.fail(expect == null ? "closed by the endpoint"
                : "closed by the endpoint after " + answer.length + " bytes, without the expected bytes");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        verdict.fail(Probe.describe(cause));
    }

    /** Where {@code needle} first occurs in {@code hay} at or after {@code from}; -1 when it does not. */
    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
