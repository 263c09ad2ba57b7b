package dev.berth.proxy.proxyprotocol;

import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.policy.TrustedSources;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.logging.LogRateLimiter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a listener with {@code proxy_protocol: accept} shares between its connections (Envoy's
 * {@code Config} vs {@code Filter}): the trusted peers, the header timeout, and one log rate
 * limiter. {@link #install} gives each connection Netty's {@link HAProxyMessageDecoder} and a
 * handler that takes the decoded header; both leave the pipeline once the header is read.
 *
 * <p>The header is required: version 1 or 2, told apart by their signatures (as HAProxy's
 * {@code accept-proxy}), never "a header if there is one" (spec §5). A connection is closed
 * with reason {@code PP} when its peer is not in {@code trusted_sources} (at accept, before
 * any byte is read), when the header is malformed or longer than allowed (v1: 108 bytes; v2:
 * the address block plus {@value #MAX_TLV_BYTES} bytes of TLVs), or when it is not complete
 * within {@code proxy_protocol_timeout}.
 */
public final class ProxyProtocolReceiver {

    /**
     * TLV bytes a v2 header may carry: room for AWS/GCP/Azure load balancers' ids, ALPN,
     * authority, CRC32C, a unique id and an SSL block; not the 64 KiB the length field allows.
     */
    public static final int MAX_TLV_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");

    private final String listener;
    private final TrustedSources trusted;
    private final long timeoutNanos;
    private final LogRateLimiter rateLimiter;

    public ProxyProtocolReceiver(String listener, TrustedSources trusted, Duration timeout, LogRateLimiter rateLimiter) {
        this.listener = listener;
        this.trusted = trusted;
        this.timeoutNanos = timeout.toNanos();
        this.rateLimiter = rateLimiter;
    }

    /** Adds the decoder and the header handler for one connection, at the end of {@code pipeline}. */
    public void install(ChannelPipeline pipeline, ConnectionInfo info) {
        pipeline.addLast("proxy-protocol-decoder", new HAProxyMessageDecoder(MAX_TLV_BYTES));
        pipeline.addLast("proxy-protocol", new HeaderHandler(this, info));
    }

    boolean trusts(ConnectionInfo info) {
        return trusted.contains(info.downstreamPeer().getAddress());
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** One line per second at most for a flood of bad headers; the count of the others rides along. */
    void logRejected(ConnectionInfo info, String detail) {
        long suppressed = rateLimiter.tryAcquire();
        if (suppressed == LogRateLimiter.SUPPRESSED) {
            return;
        }
        log.atWarn().setMessage("PROXY protocol header rejected")
                .addKeyValue("listener", listener)
                .addKeyValue("downstream", SocketAddresses.format(info.downstreamPeer()))
                .addKeyValue("detail", detail)
                .addKeyValue("suppressed", suppressed)
                .log();
    }
}
