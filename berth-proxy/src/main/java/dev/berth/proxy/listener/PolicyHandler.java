package dev.berth.proxy.listener;

import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ConnectionInfo.Termination;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.policy.PolicyVerdict;
import dev.berth.proxy.policy.SourcePolicy;
import dev.berth.server.listen.SocketAddresses;
import dev.berth.server.logging.LogRateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Judges one connection by the listener's source-CIDR policy when it becomes active (after the
 * PROXY protocol step, when there is one, so the client judged is the header's), then leaves
 * the pipeline: decide once, as Netty's {@code AbstractRemoteAddressFilter} does. An admitted
 * connection's {@code channelActive} goes on to the relay, which only then opens the upstream
 * connection; a denied one is closed at once with reason {@code PD} and never reaches it.
 */
final class PolicyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger("berth.proxy");

    private final String listener;
    private final SourcePolicy policy;
    private final ProxyObserver observer;
    private final LogRateLimiter rateLimiter;
    private final ConnectionInfo info;

    PolicyHandler(String listener, SourcePolicy policy, ProxyObserver observer, LogRateLimiter rateLimiter, ConnectionInfo info) {
        this.listener = listener;
        this.policy = policy;
        this.observer = observer;
        this.rateLimiter = rateLimiter;
        this.info = info;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        PolicyVerdict verdict = policy.decide(info.sourceAddress().getAddress());
        if (verdict.admits()) {
            if (verdict.shadowDenied()) {
                observer.shadowDenied(info);
                logDenied(verdict);
            }
            ctx.fireChannelActive();
            return;
        }
        info.end(ReasonCode.PD, Termination.CLOSE, "denied by policy: " + verdict.rule());
        logDenied(verdict);
        ctx.close();
    }

    /** One line per second at most per listener; the count of those held back rides along. */
    private void logDenied(PolicyVerdict verdict) {
        long suppressed = rateLimiter.tryAcquire();
        if (suppressed == LogRateLimiter.SUPPRESSED) {
            return;
        }
        LoggingEventBuilder e = log.atWarn()
                .setMessage(verdict.enforced() ? "connection denied by policy" : "connection would be denied by policy (shadow)")
                .addKeyValue("listener", listener)
                .addKeyValue("client", SocketAddresses.format(info.sourceAddress()));
        if (info.client() != null) {
            e.addKeyValue("downstream", SocketAddresses.format(info.downstreamPeer()));
        }
        e.addKeyValue("rule", verdict.rule()).addKeyValue("suppressed", suppressed).log();
    }
}
