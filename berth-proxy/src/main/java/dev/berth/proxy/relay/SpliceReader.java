package dev.berth.proxy.relay;

import dev.berth.proxy.observe.ConnectionInfo.Side;
import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;

/**
 * The input half of one direction of the zero-copy relay: splices what arrives on the source
 * socket into the direction's {@link SplicePipe} and queues each batch on the peer as a
 * {@link PipeRegion}, which Netty writes out when the peer is writable.
 *
 * <p>Readiness comes from the channel's own event loop, not from an epoll of our own. The
 * channel's fd is registered with Netty already (and Netty would read from it on
 * {@code EPOLLIN}), so the reader registers a duplicate of it, edge-triggered
 * {@code EPOLLIN}, as a second {@link EpollIoHandle} on the same loop: same socket, its own
 * entry in the epoll set. Netty keeps its {@code EPOLLRDHUP} watch; when the peer half-closes
 * it reads what is left itself, which the copying handler relays after the regions already
 * queued, so the order holds.
 *
 * <p>Each readable edge is consumed until {@code EAGAIN} unless the peer has stopped taking
 * bytes (not writable: over its high-water mark, which counts the pipe's bytes) — then
 * reading stops until the peer's writability comes back ({@link #resume}). {@code EAGAIN}
 * with bytes still in the pipe may mean the pipe's slots are full rather than the socket
 * empty; the reader then tries again once the pipe has drained ({@link #pipeEmpty}), so no
 * edge is lost and nothing spins. At EOF (splice returns 0) it hands the socket back to Netty
 * for one read, which sees the EOF and fires the same input-shutdown event as the copying
 * relay; a splice error is fired as the exception a read would have raised.
 *
 * <p>The duplicate fd keeps the socket open, so it is closed in the channel's close-future
 * listener, right after Netty closes its own fd (a reset close with {@code SO_LINGER} 0 then
 * takes effect). Event loop only.
 */
final class SpliceReader implements EpollIoHandle {

    /** Splices per readiness event before yielding to other channels on the loop (16 × up to a pipe each). */
    private static final int BUDGET = 16;

    private final RelayHandler handler;
    private final ProxyConnection conn;
    private final Side side;
    private final EpollSocketChannel source;
    private final Channel peer;
    private final int peerFd;
    private final FileDescriptor dup;
    private final SplicePipe pipe;
    private final Runnable again = this::pump;
    private IoRegistration registration;
    private boolean paused;
    private boolean retryWhenEmpty;
    private boolean scheduled;
    private boolean stopped;
    private boolean closed;

    private SpliceReader(RelayHandler handler, ProxyConnection conn, Side side, EpollSocketChannel source,
                         EpollSocketChannel peer, int pipeSize) throws IOException {
        this.handler = handler;
        this.conn = conn;
        this.side = side;
        this.source = source;
        this.peer = peer;
        this.peerFd = peer.fd().intValue();
        this.pipe = new SplicePipe(pipeSize, this);
        FileDescriptor d;
        try {
            d = new FileDescriptor(Splice.dup(source.fd().intValue()));
        } catch (IOException e) {
            pipe.release();
            throw e;
        }
        this.dup = d;
    }

    /**
     * Starts splicing {@code source}'s input to {@code peer}, or returns {@code null} when this
     * pair cannot (not both epoll sockets, native calls unavailable, out of fds): the caller
     * keeps copying.
     */
    static SpliceReader open(RelayHandler handler, ProxyConnection conn, Side side, Channel source, Channel peer,
                             int pipeSize) {
        if (!(source instanceof EpollSocketChannel s) || !(peer instanceof EpollSocketChannel p)
                || !source.isActive() || !peer.isActive() || !Splice.available()) {
            return null;
        }
        SpliceReader reader;
        try {
            reader = new SpliceReader(handler, conn, side, s, p, pipeSize);
        } catch (IOException e) {
            return null; // EMFILE and the like: copying still works
        }
        Future<IoRegistration> f = ((IoEventLoop) source.eventLoop()).register(reader);
        if (!f.isSuccess()) { // registering on the loop we are on completes at once
            reader.closeFds();
            return null;
        }
        reader.registration = f.getNow();
        reader.registration.submit(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLET));
        source.closeFuture().addListener(done -> reader.close());
        return reader;
    }

    @Override
    public FileDescriptor fd() {
        return dup;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        if (!paused) {
            pump();
        }
    }

    /** Moves what the socket has, until it is empty, the peer is full or the budget is spent. */
    void pump() {
        scheduled = false;
        if (stopped || closed) {
            return;
        }
        boolean moved = false;
        int budget = BUDGET;
        while (true) {
            if (!peer.isActive()) {
                break; // the relay is ending; whoever closed the peer closes this side
            }
            if (!peer.isWritable()) {
                paused = true; // the peer's writability change calls resume()
                break;
            }
            int room = pipe.room();
            if (room <= 0) {
                retryWhenEmpty = true;
                break;
            }
            long n = Splice.splice(dup.intValue(), pipe.writeFd, room, Splice.SPLICE_F_MOVE | Splice.SPLICE_F_NONBLOCK);
            if (n > 0) {
                pipe.buffered += (int) n;
                conn.counted(side, (int) n);
                moved = true;
                peer.writeAndFlush(new PipeRegion(pipe, peerFd, n), peer.voidPromise());
                if (--budget == 0) {
                    schedule();
                    break;
                }
            } else if (n == 0) {
                stopped = true;
                handler.spliceEnded(); // EOF: Netty's own read sees it and fires the input shutdown
                break;
            } else if (n == -Splice.EAGAIN) {
                if (pipe.buffered > 0) {
                    retryWhenEmpty = true; // maybe the pipe's slots, not the socket, ran out
                }
                break;
            } else if (n != -Splice.EINTR) {
                stopped = true;
                source.pipeline().fireExceptionCaught(Splice.failure("splice", (int) -n));
                break;
            }
        }
        if (moved) {
            conn.activity();
        }
    }

    /** The peer is writable again. */
    void resume() {
        if (paused) {
            paused = false;
            pump();
        }
    }

    /** Stops reading: the input ended (Netty saw EOF first) or the connection is closing. */
    void stop() {
        stopped = true;
    }

    /**
     * The pipe drained. Called from inside the peer's flush, so a retry is scheduled rather than
     * run here (a write from within a flush would not be flushed).
     */
    void pipeEmpty() {
        if (retryWhenEmpty) {
            retryWhenEmpty = false;
            schedule();
        }
    }

    private void schedule() {
        if (!scheduled && !stopped && !closed) {
            scheduled = true;
            source.eventLoop().execute(again);
        }
    }

    /** The source channel closed: leave the epoll set, close the duplicate fd, let go of the pipe. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped = true;
        if (registration != null) {
            registration.cancel(); // EPOLL_CTL_DEL while the duplicate is still open
        }
        closeFds();
    }

    private void closeFds() {
        try {
            dup.close();
        } catch (IOException ignored) {
            // already closed: nothing to release
        }
        pipe.release();
    }
}
