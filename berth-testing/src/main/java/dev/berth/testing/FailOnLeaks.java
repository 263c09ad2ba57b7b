package dev.berth.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran.
 *
 * <p>Registered for every test through JUnit's extension auto-detection (the parent POM turns
 * it on). Leaks are only noticed after the garbage collector clears a buffer and a later
 * allocation polls the reference queue, so after the class we collect and allocate a few
 * times before looking.
 */
public final class FailOnLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 5; i++) {
            System.gc();
            provokeLeakCheck();
        }
        List<String> leaks = RecordingLeakDetector.drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(
                    leaks.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
                            + String.join("\n\n", leaks));
        }
    }

    private static void provokeLeakCheck() {
        // Each tracked allocation polls the leak detector's reference queue.
        for (int i = 0; i < 64; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            pooled.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
            unpooled.release();
        }
    }
}
