package dev.berth.server.listen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.conn.ConnectionStats;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AcceptErrorHandlerTest {

    @Test
    void anAcceptErrorPausesAcceptingWithGrowingBackOffInsteadOfSpinning() {
        ConnectionStats stats = new ConnectionStats();
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrorHandler(stats));
        listener.freezeTime();
        IOException emfile = new IOException("accept(..) failed: Too many open files");

        listener.pipeline().fireExceptionCaught(emfile);
        assertThat(listener.config().isAutoRead()).isFalse();
        assertThat(stats.acceptErrors()).isEqualTo(1);

        listener.advanceTimeBy(AcceptErrorHandler.FIRST_BACKOFF_MS - 1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();

        // Still failing: the pause doubles.
        listener.pipeline().fireExceptionCaught(emfile);
        listener.advanceTimeBy(AcceptErrorHandler.FIRST_BACKOFF_MS, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isFalse();
        listener.advanceTimeBy(AcceptErrorHandler.FIRST_BACKOFF_MS, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();

        // A successful accept resets the back-off.
        listener.writeInbound("accepted-child");
        assertThat((Object) listener.readInbound()).isEqualTo("accepted-child");
        listener.pipeline().fireExceptionCaught(emfile);
        listener.advanceTimeBy(AcceptErrorHandler.FIRST_BACKOFF_MS, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertThat(listener.config().isAutoRead()).isTrue();
        assertThat(stats.acceptErrors()).isEqualTo(3);
        listener.finishAndReleaseAll();
    }

    @Test
    void backOffIsCappedAtOneSecond() {
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrorHandler(new ConnectionStats()));
        listener.freezeTime();
        for (int i = 0; i < 10; i++) {
            listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
            listener.advanceTimeBy(AcceptErrorHandler.MAX_BACKOFF_MS, TimeUnit.MILLISECONDS);
            listener.runScheduledPendingTasks();
            assertThat(listener.config().isAutoRead()).isTrue();
        }
        listener.finishAndReleaseAll();
    }

    @Test
    void nonIoErrorsAreNotSwallowed() {
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrorHandler(new ConnectionStats()));
        listener.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
        org.assertj.core.api.Assertions.assertThatThrownBy(listener::checkException).hasMessage("bug");
        assertThat(listener.config().isAutoRead()).isTrue();
        listener.finishAndReleaseAll();
        assertThat(Errors.class).isNotNull();
    }
}
