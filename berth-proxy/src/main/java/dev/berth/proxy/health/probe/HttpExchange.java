package dev.berth.proxy.health.probe;

import dev.berth.proxy.config.HealthCheckConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.util.stream.Collectors;

/**
 * An HTTP check on a connected channel (after an {@code HttpClientCodec}): sends
 * {@code GET path HTTP/1.1} with {@code Connection: close}; the response status decides.
 */
final class HttpExchange extends SimpleChannelInboundHandler<HttpObject> {

    private final HealthCheckConfig config;
    private final String authority;
    private final Verdict verdict;

    /** @param authority the {@code Host} header: the endpoint as configured ({@code host:port}) */
    HttpExchange(HealthCheckConfig config, String authority, Verdict verdict) {
        this.config = config;
        this.authority = authority;
        this.verdict = verdict;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        verdict.active(ctx.channel());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(), Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, authority)
                .set(HttpHeaderNames.USER_AGENT, "berth-health-check")
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(request).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                verdict.fail("sending the request failed: " + Probe.describe(f.cause()));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpResponse response)) {
            return;
        }
        if (response.decoderResult().isFailure()) {
            verdict.fail("not an HTTP response (" + Probe.describe(response.decoderResult().cause()) + ")");
            return;
        }
        int status = response.status().code();
        if (config.expects(status)) {
            verdict.pass("HTTP " + status);
        } else {
            verdict.fail("HTTP " + status + " (expected: " + config.expectedStatuses().stream()
                    .map(HealthCheckConfig.StatusRange::toString).collect(Collectors.joining(", ")) + ")");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        verdict.fail("closed by the endpoint before an HTTP response");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        verdict.fail(Probe.describe(cause));
    }
}
