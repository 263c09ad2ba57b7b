package dev.berth.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionStats;
import dev.berth.testing.InetEmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connection limit and the pipeline each admitted connection gets, on embedded channels. */
class EchoInitializerTest {

    private final List<CloseReason> rejected = new ArrayList<>();
    private final ConnectionObserver observer = ConnectionObserver.of(List.of(new ConnectionObserver() {
        @Override
        public void rejected(InetSocketAddress peer, InetSocketAddress local, CloseReason reason) {
            rejected.add(reason);
        }
    }));

    private static EchoOptions options(int max, Duration idle) {
        return new EchoOptions(List.of(InetEmbeddedChannel.DEFAULT_LOCAL), max, idle, Duration.ofSeconds(1), 1);
    }

    @Test
    void overTheLimitIsClosedAtOnceAndCountedThenASlotFreesUp() {
        ConnectionStats stats = new ConnectionStats();
        EchoInitializer init = new EchoInitializer(options(2, Duration.ZERO), stats,
                ConnectionObserver.of(List.of(stats, observer)), new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));

        InetEmbeddedChannel a = new InetEmbeddedChannel(init);
        InetEmbeddedChannel b = new InetEmbeddedChannel(init);
        InetEmbeddedChannel c = new InetEmbeddedChannel(init);
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        assertThat(c.isOpen()).as("third over a limit of 2").isFalse();
        assertThat(rejected).containsExactly(CloseReason.LIMIT);
        assertThat(stats.rejected(CloseReason.LIMIT)).isEqualTo(1);
        assertThat(stats.active()).isEqualTo(2);

        a.close();
        assertThat(stats.active()).isEqualTo(1);
        InetEmbeddedChannel d = new InetEmbeddedChannel(init);
        assertThat(d.isOpen()).isTrue();
        for (InetEmbeddedChannel ch : List.of(a, b, c, d)) {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void anIdleTimeoutAddsAnIdleHandlerBeforeTheEchoHandler() {
        ConnectionStats stats = new ConnectionStats();
        EchoInitializer init = new EchoInitializer(options(10, Duration.ofSeconds(30)), stats,
                ConnectionObserver.of(List.of(stats)), new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE));
        InetEmbeddedChannel ch = new InetEmbeddedChannel(init);
        assertThat(ch.pipeline().first()).isInstanceOf(IdleStateHandler.class);
        assertThat(ch.pipeline().last()).isInstanceOf(EchoHandler.class);
        ch.finishAndReleaseAll();
    }
}
