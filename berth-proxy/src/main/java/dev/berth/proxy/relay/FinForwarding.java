package dev.berth.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * Forwards a FIN: shuts a channel's output once everything before it is written.
 *
 * <p>Two costs of doing it through Netty are avoided on every proxied connection, which the
 * connection-rate profile showed: Netty's {@code shutdownOutput()} builds an exception with a
 * stack trace to fail writes that cannot exist here (the relay writes nothing after a FIN), so
 * on epoll the socket is shut directly; and once its output is shut the channel has nothing to
 * half-close for, so half-closure is turned off: the peer's FIN then closes the channel at once
 * rather than costing a {@code shutdown(SHUT_RD)} (which fails with ENOTCONN when the peer has
 * already closed, and Netty builds another exception for that) and two epoll changes.
 * {@link ProxyConnection#inactive} counts such a close as the peer's FIN.
 */
final class FinForwarding {

    private FinForwarding() {}

    /**
     * Shuts {@code channel}'s output now.
     *
     * @param onFailure run when it cannot be done (the socket is already gone)
     */
    static void shutdownOutput(Channel channel, Runnable onFailure) {
        if (channel instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException e) {
                onFailure.run();
                return;
            }
        } else if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput().addListener(done -> {
                if (!done.isSuccess()) {
                    onFailure.run();
                }
            });
        }
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }
}
