package dev.berth.proxy.relay;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;

/**
 * The kernel pipe one direction splices through: socket → pipe → socket, the bytes never
 * copied to user space. The pipe is that direction's whole buffer, so its capacity bounds
 * the direction's memory.
 *
 * <p>Reference-counted because two owners end at different times: the {@link SpliceReader}
 * that fills it (until its socket closes) and each {@link PipeRegion} queued on the peer
 * (until its bytes are written or the peer is gone). The fds are closed exactly once, when
 * the last one lets go. Event loop only.
 */
final class SplicePipe extends AbstractReferenceCounted {

    final int readFd;
    final int writeFd;
    final int capacity;
    /** Bytes in the pipe: spliced in, not yet spliced out. */
    int buffered;
    private final SpliceReader reader;

    SplicePipe(int size, SpliceReader reader) throws IOException {
        int[] p = Splice.pipe(size);
        this.readFd = p[0];
        this.writeFd = p[1];
        this.capacity = p[2];
        this.reader = reader;
    }

    /** Room left, in bytes (an upper bound: partly filled pages can fill the pipe's slots earlier). */
    int room() {
        return capacity - buffered;
    }

    /** {@code n} bytes left the pipe for the peer. */
    void drained(long n) {
        buffered -= (int) n;
        if (buffered == 0) {
            reader.pipeEmpty();
        }
    }

    @Override
    protected void deallocate() {
        Splice.close(readFd);
        Splice.close(writeFd);
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }
}
