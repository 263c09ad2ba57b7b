package dev.berth.proxy.relay;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Bytes waiting in a {@link SplicePipe}, queued on the destination channel like any write.
 *
 * <p>Netty's epoll channel writes a {@link FileRegion} by calling {@link #transferTo} when
 * the socket is writable and, when it returns 0, waits for {@code EPOLLOUT} — so the output
 * half of the zero-copy relay needs no event handling of its own: ordering with copied
 * writes, the outbound buffer's water marks (the region counts as pending bytes), flush
 * before FIN and release on close all stay Netty's. {@code transferTo} ignores the target
 * channel and splices from the pipe straight into the destination socket.
 */
final class PipeRegion extends AbstractReferenceCounted implements FileRegion {

    private final SplicePipe pipe;
    private final int destinationFd;
    private final long count;
    private long transferred;

    PipeRegion(SplicePipe pipe, int destinationFd, long count) {
        this.pipe = pipe;
        this.destinationFd = destinationFd;
        this.count = count;
        pipe.retain();
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long done = 0;
        while (transferred < count) {
            long n = Splice.splice(pipe.readFd, destinationFd, count - transferred, Splice.SPLICE_F_MOVE | Splice.SPLICE_F_NONBLOCK);
            if (n > 0) {
                transferred += n;
                done += n;
                pipe.drained(n);
            } else if (n == -Splice.EAGAIN) {
                break; // the socket is full: Netty waits for EPOLLOUT and calls again
            } else if (n != -Splice.EINTR) {
                // EPIPE, ECONNRESET: the write fails as a copied write would, and the relay
                // turns it into a reset of the other side.
                throw Splice.failure("splice", n == 0 ? 32 /* EPIPE: the pipe's writer cannot be gone */ : (int) -n);
            }
        }
        return done;
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    protected void deallocate() {
        pipe.release();
    }

    @Override
    public PipeRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public PipeRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public PipeRegion touch() {
        return this;
    }

    @Override
    public PipeRegion touch(Object hint) {
        return this;
    }
}
