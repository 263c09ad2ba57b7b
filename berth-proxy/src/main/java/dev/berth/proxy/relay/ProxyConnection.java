package dev.berth.proxy.relay;

import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ConnectionInfo.Side;
import dev.berth.proxy.observe.ConnectionInfo.Termination;
import dev.berth.proxy.observe.ProxyObserver;
import dev.berth.proxy.observe.ReasonCode;
import dev.berth.proxy.proxyprotocol.ProxyHeaderEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One proxied connection: the client's channel, the endpoint's channel once connected, and
 * the rules by which the two end together. Everything runs on the client channel's event
 * loop; the upstream channel is registered on the same loop, so no locks are needed.
 *
 * <ul>
 *   <li>A FIN from one side is forwarded as a FIN (after everything it sent is flushed); the
 *       other direction keeps flowing until it ends too; then both close ({@code DC} or
 *       {@code UC} by who sent FIN first).</li>
 *   <li>A reset (or a failed write) on one side is forwarded as a reset: the other side is
 *       closed with {@code SO_LINGER} 0.</li>
 *   <li>A side that closes without FIN has its pending data flushed to the other, which is
 *       then closed normally.</li>
 *   <li>Idle timeout, max duration and drain close both sides with their own reason.</li>
 * </ul>
 */
public final class ProxyConnection {

    /** What the listener provides to each connection. */
    public interface Context {
        /** Opens the upstream side (tries endpoints, records failures, ends the connection when none works). */
        void connect(ProxyConnection connection);

        /** The connection is over; forget it. */
        void remove(ProxyConnection connection);
    }

    private final Channel downstream;
    private final RelayHandler downHandler;
    private final ConnectionInfo info;
    private Cluster cluster; // may change once, before the upstream connect (routeTo)
    private final ProxyObserver observer;
    private final Context context;
    private final long maxDurationNanos;
    private final long idleTimeoutNanos;
    private final long spliceAfter;
    private final int pipeSize;
    // Given to the endpoint: how it closes this connection when it leaves the cluster.
    private final Runnable endpointRemoved =
            () -> terminate(ReasonCode.DR, "endpoint removed from the cluster; endpoint_removal_grace ended");

    private Channel upstream;
    private Channel connecting;
    private Future<?> dialing;
    private RelayHandler upHandler;
    private UpstreamEndpoint endpoint;
    private boolean slotHeld;
    private boolean downInputShut;
    private boolean upInputShut;
    private boolean downOutputShut;
    private boolean upOutputShut;
    private boolean finished;
    private ByteBuf early;
    private boolean earlyFin;
    private long unreportedIn;
    private long unreportedOut;
    // Written on the event loop once per read batch, read by the drain thread: an opaque access
    // is enough (a slightly stale value only delays an idle close), and cheaper than volatile.
    private long lastActivityNanos = System.nanoTime();
    private static final java.lang.invoke.VarHandle LAST_ACTIVITY;

    static {
        try {
            LAST_ACTIVITY = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(ProxyConnection.class, "lastActivityNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param idleTimeoutNanos how long the connection may go without traffic either way before
     *                         {@link #closeIfIdle} ends it; 0 = never
     * @param spliceAfter      bytes each direction copies before it switches to the zero-copy
     *                         relay (where both sides are epoll sockets); 0 = from the start, negative = never
     * @param pipeSize         each splicing direction's pipe size in bytes (its buffer)
     */
    public ProxyConnection(Channel downstream, ConnectionInfo info, Cluster cluster, ProxyObserver observer, Context context,
                           long maxDurationNanos, long idleTimeoutNanos, long spliceAfter, int pipeSize) {
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.spliceAfter = spliceAfter;
        this.pipeSize = pipeSize;
        this.downstream = downstream;
        this.info = info;
        this.cluster = cluster;
        this.observer = observer;
        this.context = context;
        this.maxDurationNanos = maxDurationNanos;
        this.downHandler = new RelayHandler(this, Side.DOWNSTREAM, spliceAfter, pipeSize);
    }

    /**
     * Adds the client side's relay handler to {@code pipeline} (after the idle, PROXY protocol
     * and policy handlers, which hold back {@code channelActive} until they let the client in).
     * The connection counts as accepted from here on, let in or not: every one ends in
     * {@link ProxyObserver#closed} exactly once.
     */
    public void install(ChannelPipeline pipeline) {
        pipeline.addLast("relay", downHandler);
        observer.accepted(info);
    }

    public ConnectionInfo info() {
        return info;
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * Sends this connection to {@code next} instead of the cluster it was accepted for: a
     * reload between accept and connect (a PROXY header or a policy decision in between) may
     * have replaced the listener's cluster, and a connection that has not connected yet is a
     * new connection to the new one. Only before the upstream connect, on the event loop.
     */
    public void routeTo(Cluster next) {
        if (next != cluster) {
            cluster = next;
            info.routedTo(next.name());
        }
    }

    public Channel downstream() {
        return downstream;
    }

    /** Nanos since traffic last moved either way. */
    public long idleNanos(long now) {
        return now - (long) LAST_ACTIVITY.getOpaque(this);
    }

    // ---- called by the connector -----------------------------------------------------------

    /** Claims a cluster connection slot; false is overflow. */
    public boolean acquireSlot() {
        if (cluster.tryAcquire()) {
            slotHeld = true;
            return true;
        }
        return false;
    }

    /** An attempt is under way on {@code channel}; it gets the upstream relay handler now. */
    public void connecting(Channel channel) {
        this.connecting = channel;
        this.upHandler = new RelayHandler(this, Side.UPSTREAM, spliceAfter, pipeSize);
        channel.pipeline().addLast("relay", upHandler);
    }

    /**
     * The upstream side's relay handler, for a dialer that installs it on whichever channel
     * wins (Happy Eyeballs across a name's addresses).
     */
    public ChannelHandler upstreamRelay() {
        this.upHandler = new RelayHandler(this, Side.UPSTREAM, spliceAfter, pipeSize);
        return upHandler;
    }

    /** A multi-address dial is under way; cancelled if the client leaves. */
    public void dialing(Future<?> dial) {
        this.dialing = dial;
    }

    /** The dial ended (won, failed or cancelled). */
    public void dialEnded() {
        this.dialing = null;
        maybeFinish();
    }

    /** The attempt on {@code channel} to {@code endpoint} connected: start relaying. */
    public void connected(Channel channel, UpstreamEndpoint endpoint) {
        this.connecting = null;
        if (!downstream.isActive() || finished) {
            channel.close();
            maybeFinish();
            return;
        }
        this.upstream = channel;
        this.endpoint = endpoint;
        endpoint.connected(endpointRemoved);
        info.upstream(endpoint.label(), (InetSocketAddress) channel.localAddress());
        observer.upstreamConnected(info);
        byte[] header = proxyHeader();
        if (header != null) {
            // First on the wire, before any relayed byte; not counted as the client's.
            channel.write(Unpooled.wrappedBuffer(header), channel.voidPromise());
        }
        if (early != null) {
            counted(Side.DOWNSTREAM, early.readableBytes());
            channel.writeAndFlush(early, channel.voidPromise());
            early = null;
        } else if (header != null) {
            channel.flush();
        }
        if (earlyFin) {
            inputShutdown(Side.DOWNSTREAM);
        } else {
            downHandler.startReading();
        }
        upHandler.startReading();
    }

    /** The PROXY protocol header the cluster sends its endpoints, naming the client as the proxy believes it; or {@code null}. */
    private byte[] proxyHeader() {
        return switch (cluster.config().proxyProtocol()) {
            case NONE -> null;
            case V1 -> ProxyHeaderEncoder.v1(info.sourceAddress(), info.destinationAddress());
            case V2 -> ProxyHeaderEncoder.v2(info.sourceAddress(), info.destinationAddress());
        };
    }

    /**
     * Client bytes that arrived before the endpoint was connected: what followed a PROXY
     * protocol header in the same read, or what epoll read from a closing socket.
     */
    void holdEarly(ByteBuf buf) {
        if (early == null) {
            early = buf;
        } else {
            early = Unpooled.wrappedBuffer(early, buf);
        }
    }

    /** The attempt on {@code channel} failed; the connector may try another endpoint. */
    public void attemptFailed(Channel channel) {
        if (connecting == channel) {
            connecting = null;
        }
        maybeFinish();
    }

    /** True while the client is still there to be served. */
    public boolean wanted() {
        return downstream.isActive() && !finished;
    }

    /** No endpoint worked (or none exists, or the cluster is full): close the client. */
    public void giveUp(ReasonCode code, String detail) {
        info.end(code, Termination.CLOSE, detail);
        downstream.close();
    }

    // ---- called by the relay handlers ------------------------------------------------------

    void start() {
        if (maxDurationNanos > 0) {
            downstream.eventLoop().schedule(() -> terminate(ReasonCode.MD, "max connection duration reached"),
                    maxDurationNanos, TimeUnit.NANOSECONDS);
        }
        context.connect(this);
    }

    Channel peerOf(Side side) {
        return side == Side.DOWNSTREAM ? upstream : downstream;
    }

    RelayHandler handlerOf(Side side) {
        return side == Side.DOWNSTREAM ? downHandler : upHandler;
    }

    void counted(Side side, int n) {
        if (side == Side.DOWNSTREAM) {
            info.addFromDownstream(n);
            unreportedIn += n;
        } else {
            info.addToDownstream(n);
            unreportedOut += n;
        }
    }

    void activity() {
        LAST_ACTIVITY.setOpaque(this, System.nanoTime());
        if (unreportedIn != 0 || unreportedOut != 0) {
            observer.bytes(info, unreportedIn, unreportedOut);
            unreportedIn = 0;
            unreportedOut = 0;
        }
    }

    void inputShutdown(Side side) {
        if (side == Side.DOWNSTREAM && upstream == null) {
            earlyFin = true; // forwarded once the endpoint is connected
            return;
        }
        info.fin(side);
        if (side == Side.DOWNSTREAM) {
            downInputShut = true;
        } else {
            upInputShut = true;
        }
        Channel peer = peerOf(side);
        if (peer == null || !peer.isActive()) {
            return;
        }
        // Everything this side sent goes out first, then the FIN.
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!peer.isActive()) {
                return;
            }
            boolean last = side == Side.DOWNSTREAM ? downOutputShut : upOutputShut;
            if (side == Side.DOWNSTREAM) {
                upOutputShut = true;
            } else {
                downOutputShut = true;
            }
            if (last) {
                bothFinned(); // the other way is finished too: closing sends this FIN
                return;
            }
            FinForwarding.shutdownOutput(peer, () -> {
                // A reset or a vanished peer: nothing more can be forwarded either way.
                info.end(side == Side.DOWNSTREAM ? ReasonCode.UC : ReasonCode.DC, Termination.CLOSE, "could not forward the FIN");
                closeBoth();
            });
        });
    }

    /** Both FINs were forwarded, each after everything before it: nothing is left to send. */
    private void bothFinned() {
        if (downOutputShut && upOutputShut) {
            info.end(info.firstFin() == Side.UPSTREAM ? ReasonCode.UC : ReasonCode.DC, Termination.FIN, null);
            closeBoth();
        }
    }

    void failed(Side side, Channel channel, Throwable cause) {
        if (side == Side.UPSTREAM && channel != upstream) {
            channel.close(); // an attempt that is not (or no longer) the relay's upstream
            return;
        }
        boolean io = cause instanceof IOException;
        String message = String.valueOf(cause.getMessage());
        ReasonCode code = !io ? ReasonCode.PE : side == Side.DOWNSTREAM ? ReasonCode.DC : ReasonCode.UC;
        boolean reset = io && isReset(message);
        info.end(code, reset ? Termination.RST : Termination.CLOSE, message);
        Channel own = side == Side.DOWNSTREAM ? downstream : upstream;
        Channel peer = peerOf(side);
        if (peer != null && peer.isActive()) {
            if (reset) {
                // A reset travels as a reset.
                peer.config().setOption(ChannelOption.SO_LINGER, 0);
                peer.close();
            } else {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        if (own != null) {
            own.close();
        }
    }

    private static boolean isReset(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe");
    }

    void inactive(Side side, Channel channel) {
        if (side == Side.UPSTREAM && channel != upstream) {
            return; // a failed or abandoned attempt, not the relay's upstream
        }
        if (side == Side.DOWNSTREAM) {
            if (connecting != null) {
                connecting.close(); // the client left while we were still connecting
            }
            if (dialing != null) {
                dialing.cancel(false);
            }
            if (downOutputShut && !upOutputShut) {
                // Its FIN after ours: the channel closed at once instead of half-closing (see FinForwarding).
                info.fin(Side.DOWNSTREAM);
                info.end(info.firstFin() == Side.UPSTREAM ? ReasonCode.UC : ReasonCode.DC, Termination.FIN, null);
            } else {
                info.end(ReasonCode.DC, Termination.CLOSE, null);
            }
            if (upstream != null && upstream.isActive()) {
                // Data already received from the endpoint has nowhere to go; data from the client
                // already queued for the endpoint is flushed before the close.
                upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            if (upOutputShut && !downOutputShut) {
                // Its FIN after ours: the channel closed at once instead of half-closing (see FinForwarding).
                info.fin(Side.UPSTREAM);
                info.end(info.firstFin() == Side.UPSTREAM ? ReasonCode.UC : ReasonCode.DC, Termination.FIN, null);
            } else {
                info.end(ReasonCode.UC, Termination.CLOSE, null);
            }
            if (downstream.isActive()) {
                downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        maybeFinish();
    }

    private void maybeFinish() {
        if (!downstream.isActive() && (upstream == null || !upstream.isActive()) && connecting == null && dialing == null) {
            finish();
        }
    }

    /**
     * Ends the connection with {@code IT} when it has had no traffic for its idle timeout.
     * Called by its listener's periodic sweep (one timer per listener, not one per connection),
     * from any thread.
     */
    public void closeIfIdle(long now) {
        if (idleTimeoutNanos > 0 && idleNanos(now) >= idleTimeoutNanos) {
            terminate(ReasonCode.IT, null);
        }
    }

    /** Ends the connection for {@code code} (idle, max duration, drain). Safe from any thread. */
    public void terminate(ReasonCode code, String detail) {
        if (!downstream.eventLoop().inEventLoop()) {
            downstream.eventLoop().execute(() -> terminate(code, detail));
            return;
        }
        if (finished) {
            return;
        }
        info.end(code, Termination.CLOSE, detail);
        closeBoth();
    }

    private void closeBoth() {
        if (upstream != null) {
            upstream.close();
        }
        if (connecting != null) {
            connecting.close();
        }
        if (dialing != null) {
            dialing.cancel(false);
        }
        downstream.close();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (early != null) {
            early.release();
            early = null;
        }
        info.closed();
        if (endpoint != null) {
            // Outlier detection counts a reset by the endpoint as a failure, any other end as a success.
            cluster.connectionEnded(endpoint, endpointRemoved,
                    info.reason() == ReasonCode.UC && info.termination() == Termination.RST);
        }
        if (slotHeld) {
            slotHeld = false;
            cluster.release();
        }
        activity();
        observer.closed(info);
        context.remove(this);
    }
}
