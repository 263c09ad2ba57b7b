package dev.berth.proxy.admin;

import dev.berth.proxy.reload.ReloadResult;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.Listeners;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint: {@code GET /ready}, {@code GET /metrics}, {@code GET /clusters},
 * {@code GET /config_dump}, {@code GET /diag/sockets}, {@code POST /drain}, {@code POST /reload}. Small requests
 * only (bodies up to 8 KiB); it binds where the config says, loopback by default.
 */
public final class AdminServer {

    private static final Logger log = LoggerFactory.getLogger("berth.admin");

    /** What the admin endpoint reports and controls. */
    public interface Backend {
        /** True while serving; false while starting or draining. */
        boolean ready();

        String metrics();

        String clustersJson();

        String configJson();

        /** Starts a graceful drain (idempotent). */
        void drain();

        /** Reads the configuration file again and applies it; completes with what happened. */
        CompletableFuture<ReloadResult> reload();
        /** {@code berth diag sockets} scoped to the upstream endpoints, as text or JSON. */
        default String diagSockets(boolean json) throws IOException {
            throw new IOException("not available");
        }
    }

    private final Backend backend;
    private Channel channel;

    public AdminServer(Backend backend) {
        this.backend = backend;
    }

    public void bind(EventLoopGroup group, Transport transport, InetSocketAddress address) throws BindFailedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Routes());
                    }
                });
        channel = Listeners.bindAll(b, List.of(address)).getFirst();
        InetSocketAddress bound = boundAddress();
        log.atInfo().setMessage("admin listening").addKeyValue("address", SocketAddresses.format(bound))
                .addKeyValue("port", bound.getPort()).log();
        if (!bound.getAddress().isLoopbackAddress()) {
            log.atWarn().setMessage("admin endpoint is reachable from other hosts")
                    .addKeyValue("address", SocketAddresses.format(bound))
                    .addKeyValue("advice", "anyone who can reach it can read the config and drain the proxy; bind it to 127.0.0.1 unless you mean it")
                    .log();
        }
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    @ChannelHandler.Sharable
    private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
            FullHttpResponse res = switch (path) {
                case "/ready" -> get ? (backend.ready() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n")) : notAllowed("GET");
                case "/metrics" -> get ? typed(HttpResponseStatus.OK, backend.metrics(),
                        "text/plain; version=0.0.4; charset=utf-8") : notAllowed("GET");
                case "/clusters" -> get ? json(backend.clustersJson()) : notAllowed("GET");
                case "/config_dump" -> get ? json(backend.configJson()) : notAllowed("GET");
                case "/diag/sockets" -> get ? diagSockets(new QueryStringDecoder(req.uri()).parameters().get("format"))
                        : notAllowed("GET");
                case "/drain" -> {
                    if (!req.method().equals(HttpMethod.POST)) {
                        yield notAllowed("POST");
                    }
                    backend.drain();
                    yield text(HttpResponseStatus.ACCEPTED, "draining\n");
                }
                case "/reload" -> {
                    if (!req.method().equals(HttpMethod.POST)) {
                        yield notAllowed("POST");
                    }
                    // The reload reads a file and may bind sockets: not on this event loop. The
                    // answer goes out when it is done, in order (HTTP/1.1 has no pipelining here).
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    backend.reload().whenComplete((result, failure) -> respond(ctx, keepAlive, failure != null
                            ? text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reload failed: " + failure + "\n")
                            : typed(result.outcome() == ReloadResult.Outcome.REJECTED ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK,
                                    result.toJson(), "application/json")));
                    yield null;
                }
                default -> text(HttpResponseStatus.NOT_FOUND,
                        "not found; try /ready, /metrics, /clusters, /config_dump, /diag/sockets[?format=json], POST /drain, POST /reload\n");
            };
            if (res != null) {
                respond(ctx, HttpUtil.isKeepAlive(req), res);
            }
        }

        private void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
            HttpUtil.setKeepAlive(res, keepAlive);
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@code ?format=text} (the default) or {@code json}; the report is read from procfs now, on this admin thread. */
    private FullHttpResponse diagSockets(List<String> format) {
        String f = format == null || format.isEmpty() ? "text" : format.getLast();
        if (!f.equals("text") && !f.equals("json")) {
            return text(HttpResponseStatus.BAD_REQUEST, "format '" + f + "': expected text or json\n");
        }
        try {
            String body = backend.diagSockets(f.equals("json"));
            return f.equals("json") ? json(body) : text(HttpResponseStatus.OK, body);
        } catch (IOException | RuntimeException e) {
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot read the sockets: " + e.getMessage() + "\n");
        }
    }

    private static FullHttpResponse json(String body) {
        return typed(HttpResponseStatus.OK, body, "application/json");
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return typed(status, body, "text/plain; charset=utf-8");
    }

    private static FullHttpResponse notAllowed(String allow) {
        FullHttpResponse res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + allow + "\n");
        res.headers().set(HttpHeaderNames.ALLOW, allow);
        return res;
    }

    private static FullHttpResponse typed(HttpResponseStatus status, String body, String type) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return res;
    }
}
