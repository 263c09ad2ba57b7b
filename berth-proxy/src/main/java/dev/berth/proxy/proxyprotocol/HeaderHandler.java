package dev.berth.proxy.proxyprotocol;

import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ConnectionInfo.Termination;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.server.listen.SocketAddresses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One connection's PROXY protocol step, right after Netty's decoder: holds back
 * {@code channelActive} (so nothing after it, policy or relay, starts) until a header from a
 * trusted peer is read, then records the client it names, passes {@code channelActive} on and
 * leaves the pipeline. The decoder leaves too, handing on any bytes that came after the header
 * in the same read; they reach the upstream unchanged.
 *
 * <p>A {@code LOCAL} command (a load balancer's health check) or a v1 {@code UNKNOWN} carries
 * no client: the connection goes on as the direct peer's, as the spec says. A header for a
 * UDP or UNIX-socket connection is refused: this is a TCP proxy, and the policy could not
 * judge a path.
 */
final class HeaderHandler extends ChannelInboundHandlerAdapter {

    private final ProxyProtocolReceiver shared;
    private final ConnectionInfo info;
    private Future<?> timeout;
    private boolean done;

    HeaderHandler(ProxyProtocolReceiver shared, ConnectionInfo info) {
        this.shared = shared;
        this.info = info;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!shared.trusts(info)) {
            reject(ctx, "PROXY protocol header not accepted from " + SocketAddresses.ip(info.downstreamPeer())
                    + " (not in trusted_sources)");
            return;
        }
        long nanos = shared.timeoutNanos();
        timeout = ctx.executor().schedule(() -> reject(ctx, "no complete PROXY protocol header within "
                + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms"), nanos, TimeUnit.NANOSECONDS);
        ctx.read(); // AUTO_READ is off; the decoder asks for more itself until the header is complete
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            // Nothing but the header comes from the decoder before it leaves.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            accept(ctx, header);
        } finally {
            header.release();
        }
    }

    private void accept(ChannelHandlerContext ctx, HAProxyMessage header) {
        if (header.command() == HAProxyCommand.PROXY) {
            switch (header.proxiedProtocol()) {
                case TCP4, TCP6 -> {
                    InetSocketAddress source = address(header.sourceAddress(), header.sourcePort());
                    InetSocketAddress destination = address(header.destinationAddress(), header.destinationPort());
                    if (source == null || destination == null) {
                        reject(ctx, "malformed PROXY protocol header: address " + header.sourceAddress() + " or "
                                + header.destinationAddress() + " is not an IP literal");
                        return;
                    }
                    info.proxied(source, destination);
                }
                case UNKNOWN -> { } // the spec's "use the real connection endpoints"
                default -> {
                    reject(ctx, "PROXY protocol header for a " + header.proxiedProtocol() + " connection"
                            + " (expected: TCP4, TCP6, UNKNOWN or LOCAL)");
                    return;
                }
            }
        }
        finished();
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    /** The header's address as a JDK one, never through DNS; {@code null} if the JDK does not take the literal. */
    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Swallowed while the header is incomplete: nothing after this handler has started.
        if (done) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!done && evt instanceof ChannelInputShutdownEvent) {
            // The client finished sending before its header was complete.
            finished();
            info.end(ReasonCode.DC, Termination.CLOSE, "client closed before a complete PROXY protocol header");
            ReferenceCountUtil.release(evt);
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            // The decoder has closed the channel already (HAProxyProtocolException) or left
            // that to us (anything else its parser threw); say why before the close is seen.
            reject(ctx, "malformed PROXY protocol header: " + describe(cause));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finished();
        ctx.fireChannelInactive();
    }

    private void reject(ChannelHandlerContext ctx, String detail) {
        if (done) {
            return;
        }
        finished();
        if (info.end(ReasonCode.PP, Termination.CLOSE, detail)) {
            shared.logRejected(info, detail);
        }
        ctx.close();
    }

    private void finished() {
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** The innermost message: Netty wraps the parser's reason ("invalid TCP4 address: ...") in a generic one. */
    private static String describe(Throwable cause) {
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
