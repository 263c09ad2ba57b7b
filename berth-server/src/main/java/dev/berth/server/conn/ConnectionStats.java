package dev.berth.server.conn;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connection counters of one server, kept in one place so an admin endpoint or metrics
 * registry can expose them later without touching the data path.
 *
 * <p>{@link #active()} is exact (it decides the connection limit); the rest are
 * {@link LongAdder}s because they are only read when someone looks.
 */
public final class ConnectionStats implements ConnectionObserver {

    private final AtomicLong active = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder acceptErrors = new LongAdder();
    private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);
    private final Map<CloseReason, LongAdder> rejected = new EnumMap<>(CloseReason.class);

    public ConnectionStats() {
        for (CloseReason r : CloseReason.values()) {
            closed.put(r, new LongAdder());
            rejected.put(r, new LongAdder());
        }
    }

    /**
     * Claims a slot for a new connection unless {@code limit} are already active.
     *
     * @return true when the connection may be served; the caller must then report it through
     *     {@link #opened} / {@link #closed}, which release the slot
     */
    public boolean tryAcquire(long limit) {
        long now;
        do {
            now = active.get();
            if (now >= limit) {
                return false;
            }
        } while (!active.compareAndSet(now, now + 1));
        return true;
    }

    @Override
    public void opened(long id, InetSocketAddress peer, InetSocketAddress local) {
        accepted.increment();
    }

    @Override
    public void closed(ConnectionRecord record) {
        active.decrementAndGet();
        bytesIn.add(record.bytesIn());
        bytesOut.add(record.bytesOut());
        closed.get(record.reason()).increment();
    }

    @Override
    public void rejected(InetSocketAddress peer, InetSocketAddress local, CloseReason reason) {
        rejected.get(reason).increment();
    }

    /** Counts one failed {@code accept(2)} (for example EMFILE). */
    public void acceptFailed() {
        acceptErrors.increment();
    }

    public long active() {
        return active.get();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long acceptErrors() {
        return acceptErrors.sum();
    }

    public long closed(CloseReason reason) {
        return closed.get(reason).sum();
    }

    public long rejected(CloseReason reason) {
        return rejected.get(reason).sum();
    }
}
