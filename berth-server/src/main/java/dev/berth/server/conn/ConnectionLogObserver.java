package dev.berth.server.conn;

import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.logging.LogRateLimiter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs one record when a connection opens and one when it closes, as fields rather than
 * prose. Rejections are rate-limited: a flood of them costs one line a second.
 */
public final class ConnectionLogObserver implements ConnectionObserver {

    private final Logger log;
    private final LogRateLimiter rejections = new LogRateLimiter(Duration.ofSeconds(1));

    public ConnectionLogObserver(String loggerName) {
        this.log = LoggerFactory.getLogger(loggerName);
    }

    @Override
    public void opened(long id, InetSocketAddress peer, InetSocketAddress local) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.atInfo()
                .setMessage("connection opened")
                .addKeyValue("conn", id)
                .addKeyValue("peer_ip", SocketAddresses.ip(peer))
                .addKeyValue("peer_port", peer.getPort())
                .addKeyValue("local", SocketAddresses.format(local))
                .log();
    }

    @Override
    public void closed(ConnectionRecord r) {
        if (!log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder b = log.atInfo()
                .setMessage("connection closed")
                .addKeyValue("conn", r.id())
                .addKeyValue("peer_ip", SocketAddresses.ip(r.peer()))
                .addKeyValue("peer_port", r.peer().getPort())
                .addKeyValue("local", SocketAddresses.format(r.local()))
                .addKeyValue("bytes_in", r.bytesIn())
                .addKeyValue("bytes_out", r.bytesOut())
                .addKeyValue("duration_ms", r.duration().toMillis())
                .addKeyValue("reason", r.reason().label());
        if (r.error() != null) {
            b = b.addKeyValue("error", r.error());
        }
        b.log();
    }

    @Override
    public void rejected(InetSocketAddress peer, InetSocketAddress local, CloseReason reason) {
        long suppressed = rejections.tryAcquire();
        if (suppressed == LogRateLimiter.SUPPRESSED) {
            return;
        }
        log.atWarn()
                .setMessage("connection rejected")
                .addKeyValue("peer_ip", SocketAddresses.ip(peer))
                .addKeyValue("peer_port", peer.getPort())
                .addKeyValue("local", SocketAddresses.format(local))
                .addKeyValue("reason", reason.label())
                .addKeyValue("suppressed", suppressed)
                .log();
    }
}
