package dev.berth.testing;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} with real IP socket addresses, so handlers that read the peer's
 * address (logs, policy) can be tested without sockets (as Netty's {@code IpSubnetFilterTest}
 * does by overriding {@code remoteAddress0()}).
 */
public class InetEmbeddedChannel extends EmbeddedChannel {

    public static final InetSocketAddress DEFAULT_PEER = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.10"), 40000);
    public static final InetSocketAddress DEFAULT_LOCAL = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 8888);

    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    public InetEmbeddedChannel(InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
        // Java 25 flexible constructor body: the addresses must be set before registration
        // fires channelActive, which happens inside super(...).
        this.remote = remote;
        this.local = local;
        super(handlers);
    }

    public InetEmbeddedChannel(ChannelHandler... handlers) {
        this(DEFAULT_PEER, DEFAULT_LOCAL, handlers);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return isActive() ? remote : null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return isActive() ? local : null;
    }
}
