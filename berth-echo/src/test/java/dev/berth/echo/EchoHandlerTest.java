package dev.berth.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.conn.CloseReason;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import dev.berth.testing.InetEmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EchoHandlerTest {

    /** Counts the read() requests and flushes the handler makes. */
    private static final class Probe extends ChannelOutboundHandlerAdapter {
        int reads;
        int flushes;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private final List<ConnectionRecord> closed = new ArrayList<>();
    private final ConnectionObserver observer = new ConnectionObserver() {
        @Override
        public void closed(ConnectionRecord record) {
            closed.add(record);
        }
    };
    private final Probe probe = new Probe();

    private EmbeddedChannel channel(io.netty.channel.ChannelHandler... before) {
        List<io.netty.channel.ChannelHandler> handlers = new ArrayList<>();
        handlers.add(probe);
        handlers.addAll(List.of(before));
        handlers.add(new EchoHandler(1, observer));
        EmbeddedChannel ch = new InetEmbeddedChannel(handlers.toArray(io.netty.channel.ChannelHandler[]::new));
        ch.config().setAutoRead(false);
        return ch;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String drainOutbound(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void echoesEveryByteInOrderAndFlushesOncePerReadBatch() {
        EmbeddedChannel ch = channel();
        int flushesBefore = probe.flushes;
        ch.pipeline().fireChannelRead(text("hello "));
        ch.pipeline().fireChannelRead(text("wor"));
        ch.pipeline().fireChannelRead(text("ld"));
        assertThat(probe.flushes).isEqualTo(flushesBefore);
        ch.pipeline().fireChannelReadComplete();
        assertThat(probe.flushes).isEqualTo(flushesBefore + 1);
        assertThat(drainOutbound(ch)).isEqualTo("hello world");
        ch.close();
        assertThat(closed).singleElement().satisfies(r -> {
            assertThat(r.bytesIn()).isEqualTo(11);
            assertThat(r.bytesOut()).isEqualTo(11);
            assertThat(r.reason()).isEqualTo(CloseReason.CLIENT);
        });
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void asksForTheNextReadOnlyWhileWritable() {
        EmbeddedChannel ch = channel();
        probe.reads = 0;

        ch.pipeline().fireChannelRead(text("a"));
        ch.pipeline().fireChannelReadComplete();
        assertThat(probe.reads).isEqualTo(1);

        // The outbound buffer crosses its high-water mark: stop reading.
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        ch.pipeline().fireChannelRead(text("b"));
        ch.pipeline().fireChannelReadComplete();
        assertThat(probe.reads).isEqualTo(1);

        // Back below the low-water mark: read again, once.
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        assertThat(probe.reads).isEqualTo(2);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        assertThat(probe.reads).as("no read was paused, so none is resumed").isEqualTo(2);

        assertThat(drainOutbound(ch)).isEqualTo("ab");
        ch.finishAndReleaseAll();
    }

    @Test
    void halfCloseFlushesWhatArrivedThenCloses() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireChannelRead(text("last words"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("last words");
        assertThat(ch.isOpen()).isFalse();
        assertThat(closed).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(CloseReason.CLIENT);
            assertThat(r.bytesOut()).isEqualTo(10);
        });
        ch.finishAndReleaseAll();
    }

    @Test
    void idleConnectionsCloseWithIdleTimeoutOnFrozenTime() {
        EmbeddedChannel ch = new InetEmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new IdleStateHandler(0, 0, 30, TimeUnit.SECONDS));
        ch.pipeline().addLast(new EchoHandler(7, observer));

        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();

        ch.writeInbound(text("still here"));
        ch.pipeline().fireChannelReadComplete();
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("traffic restarts the idle clock").isTrue();

        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(closed).singleElement().extracting(ConnectionRecord::reason).isEqualTo(CloseReason.IDLE_TIMEOUT);
        ch.finishAndReleaseAll();
    }

    @Test
    void anErrorClosesWithTheErrorRecorded() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(closed).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(CloseReason.ERROR);
            assertThat(r.error()).isEqualTo("Connection reset by peer");
        });
        ch.finishAndReleaseAll();
    }

    @Test
    void bytesThatNeverLeftAreNotCountedAsSent() {
        EmbeddedChannel ch = channel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
                promise.setFailure(new java.io.IOException("Broken pipe"));
            }
        });
        ch.pipeline().fireChannelRead(text("lost"));
        ch.pipeline().fireChannelReadComplete();
        ch.close();
        assertThat(closed).singleElement().satisfies(r -> {
            assertThat(r.bytesIn()).isEqualTo(4);
            assertThat(r.bytesOut()).isZero();
        });
        ch.finishAndReleaseAll();
    }

    @Test
    void endForDrainRecordsTheDrainReason() {
        EmbeddedChannel ch = channel();
        ch.pipeline().get(EchoHandler.class).end(CloseReason.DRAIN);
        assertThat(ch.isOpen()).isFalse();
        assertThat(closed).singleElement().extracting(ConnectionRecord::reason).isEqualTo(CloseReason.DRAIN);
        ch.finishAndReleaseAll();
    }
}
