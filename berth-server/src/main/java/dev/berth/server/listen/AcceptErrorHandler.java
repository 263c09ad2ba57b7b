package dev.berth.server.listen;

import dev.berth.server.conn.ConnectionStats;
import dev.berth.server.logging.LogRateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listening channel and keeps a failing {@code accept(2)} from spinning.
 *
 * <p>When accept fails (most often EMFILE: the process is out of file descriptors), the
 * pending connection stays in the kernel's queue, so accepting again at once fails again at
 * once: a busy loop. Instead this stops accepting for a back-off (50 ms doubling to 1 s,
 * reset by the next successful accept), logs at most once a second, and counts every failure.
 * One instance per listening channel.
 */
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger("berth.accept");
    static final long FIRST_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 1000;

    private final ConnectionStats stats;
    private final LogRateLimiter rateLimiter = new LogRateLimiter(Duration.ofSeconds(1));
    private long backoffMs;

    public AcceptErrorHandler(ConnectionStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        backoffMs = 0;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        stats.acceptFailed();
        backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (ctx.channel().isOpen()) {
                ctx.channel().config().setAutoRead(true);
            }
        }, backoffMs, TimeUnit.MILLISECONDS);
        long suppressed = rateLimiter.tryAcquire();
        if (suppressed != LogRateLimiter.SUPPRESSED) {
            String error = String.valueOf(cause.getMessage());
            var record = log.atWarn()
                    .setMessage("accept failed; pausing accepts")
                    .addKeyValue("listener", SocketAddresses.format(ctx.channel().localAddress()))
                    .addKeyValue("error", error)
                    .addKeyValue("retry_in_ms", backoffMs)
                    .addKeyValue("suppressed", suppressed);
            if (error.toLowerCase(Locale.ROOT).contains("too many open files")) {
                record = record.addKeyValue("advice",
                        "the process is out of file descriptors: raise the limit (ulimit -n, systemd LimitNOFILE) or lower --max-connections");
            }
            record.log();
        }
    }
}
