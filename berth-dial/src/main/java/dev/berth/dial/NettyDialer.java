package dev.berth.dial;

import dev.berth.dial.AttemptScheduler.Action;
import dev.berth.dial.AttemptScheduler.Attempt;
import dev.berth.dial.AttemptScheduler.Cancel;
import dev.berth.dial.AttemptScheduler.Fail;
import dev.berth.dial.AttemptScheduler.Start;
import dev.berth.dial.AttemptScheduler.Win;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Happy Eyeballs for Netty: races connection attempts to every address of a host and
 * completes with the winning {@link Channel}.
 *
 * <p>Each attempt gets its own channel with a do-nothing pipeline and {@code AUTO_READ} off, so
 * nothing is read and no application handler sees a loser (netty#9540). The bootstrap's
 * handler — the application's initializer — is installed exactly once, on the winner, which
 * then gets {@code channelActive} and the bootstrap's {@code AUTO_READ} setting. Losers are
 * closed: one still in SYN-SENT leaves no trace; one that completed its handshake is closed
 * normally. The race runs on one event loop of the bootstrap's group; the overall deadline
 * replaces {@code CONNECT_TIMEOUT_MILLIS}. A local address set on the bootstrap (a source address)
 * is bound by the attempts of its family only; attempts of the other family connect unbound.
 *
 * <pre>{@code
 * NettyDialer dialer = new NettyDialer(DialOptions.defaults());
 * Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(myInitializer);
 * dialer.dial(b, "example.com", 443).addListener(f -> { ... f.getNow() is the connected Channel ... });
 * }</pre>
 */
public final class NettyDialer {

    private final Resolver resolver;
    private final DialOptions options;
    private final DialListener listener;

    public NettyDialer(Resolver resolver, DialOptions options, DialListener listener) {
        this.resolver = resolver;
        this.options = options;
        this.listener = listener;
    }

    /** The system resolver, no listener. */
    public NettyDialer(DialOptions options) {
        this(SystemResolver.INSTANCE, options, DialListener.NONE);
    }

    /**
     * Connects to {@code host} (a name or an IP literal) on {@code port}. The future fails with
     * a {@link DialException}; cancelling it closes every attempt.
     */
    public Future<Channel> dial(Bootstrap bootstrap, String host, int port) {
        EventLoop loop = bootstrap.config().group().next();
        Race race = new Race(bootstrap, loop, host, port);
        loop.execute(race::begin);
        return race.promise;
    }

    private final class Race {
        final Bootstrap template;
        final EventLoop loop;
        final String host;
        final int port;
        final Promise<Channel> promise;
        final Map<Attempt, Channel> channels = new HashMap<>();
        final List<CompletableFuture<List<InetAddress>>> lookups = new ArrayList<>();
        AttemptScheduler scheduler;
        ScheduledFuture<?> timer;
        long timerAt = Long.MAX_VALUE;

        Race(Bootstrap template, EventLoop loop, String host, int port) {
            this.template = template;
            this.loop = loop;
            this.host = host;
            this.port = port;
            this.promise = loop.newPromise();
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    loop.execute(() -> apply(scheduler == null ? List.of() : scheduler.cancel(System.nanoTime())));
                }
            });
        }

        void begin() {
            if (promise.isDone()) {
                return;
            }
            listener.dialStart(host, port);
            InetAddress literal = IpLiteral.parse(host);
            if (literal != null) {
                Family family = Family.of(literal);
                if (!options.families().contains(family)) {
                    scheduler = new AttemptScheduler(host, port, options, Set.of(), System.nanoTime());
                    apply(scheduler.timer(System.nanoTime()));
                    return;
                }
                scheduler = new AttemptScheduler(host, port, options, Set.of(family), System.nanoTime());
                apply(scheduler.resolved(family, List.of(literal), System.nanoTime()));
                return;
            }
            Set<Family> families = EnumSet.copyOf(options.families());
            scheduler = new AttemptScheduler(host, port, options, families, System.nanoTime());
            // RFC 8305 section 3: AAAA first, immediately followed by A.
            for (Family family : List.of(Family.IPV6, Family.IPV4)) {
                if (!families.contains(family)) {
                    continue;
                }
                listener.resolutionStart(host, family);
                CompletableFuture<List<InetAddress>> lookup = resolver.resolve(host, family);
                lookups.add(lookup);
                lookup.whenComplete((addresses, error) -> loop.execute(() -> {
                    long now = System.nanoTime();
                    if (error != null) {
                        listener.resolutionFailed(host, family, error);
                        apply(scheduler.resolutionFailed(family, unwrap(error), now));
                    } else {
                        listener.resolutionEnd(host, family, addresses);
                        apply(scheduler.resolved(family, addresses, now));
                    }
                }));
            }
            reschedule();
        }

        void apply(List<Action> actions) {
            long now = System.nanoTime();
            for (Action action : actions) {
                switch (action) {
                    case Start s -> start(s.attempt());
                    case Cancel c -> {
                        Channel ch = channels.remove(c.attempt());
                        AttemptRecord r = record(c.attempt(), now);
                        if (c.attempt().outcome() == AttemptOutcome.CONNECTED) {
                            listener.attemptConnected(r, false);
                        } else {
                            listener.attemptCancelled(r);
                        }
                        if (ch != null) {
                            ch.close();
                        }
                    }
                    case Win w -> win(w.attempt(), now);
                    case Fail f -> {
                        finish();
                        listener.dialFailed(f.error());
                        promise.tryFailure(f.error());
                    }
                }
            }
            reschedule();
        }

        void start(Attempt attempt) {
            listener.attemptStart(attempt.address(), attempt.family());
            Bootstrap b = template.clone(loop)
                    .handler(new Placeholder())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
            // A template's local (source) address binds the attempts of its own family; the others go unbound.
            if (template.config().localAddress() instanceof InetSocketAddress local
                    && Family.of(local.getAddress()) != attempt.family()) {
                b.localAddress((SocketAddress) null);
            }
            var connect = b.connect(attempt.address());
            channels.put(attempt, connect.channel());
            // Always hand the result back through the loop: a connect can fail synchronously,
            // and the scheduler must not be re-entered while it is producing actions.
            connect.addListener(f -> loop.execute(() -> {
                long now = System.nanoTime();
                if (attempt.outcome() != AttemptOutcome.PENDING) {
                    connect.channel().close(); // lost the race while its handshake completed
                } else if (f.isSuccess()) {
                    apply(scheduler.connected(attempt, now));
                } else {
                    listener.attemptFailed(record(attempt, now, f.cause()));
                    apply(scheduler.failed(attempt, f.cause(), now));
                }
            }));
        }

        void win(Attempt attempt, long now) {
            Channel ch = channels.remove(attempt);
            finish();
            ChannelHandler app = template.config().handler();
            Object autoRead = template.config().options().get(ChannelOption.AUTO_READ);
            ch.pipeline().removeFirst();
            if (app != null) {
                ch.pipeline().addLast(app);
            }
            // The application's handlers were not there when the channel became active.
            ch.pipeline().fireChannelActive();
            ch.config().setAutoRead(!Boolean.FALSE.equals(autoRead));
            AttemptRecord winner = record(attempt, now);
            listener.attemptConnected(winner, true);
            listener.dialEnd(winner, scheduler.records(now), scheduler.resolutions());
            if (!promise.trySuccess(ch)) {
                ch.close(); // cancelled by the caller in the same instant
            }
        }

        /** Stop resolving and timing; attempts are closed by their own Cancel actions. */
        void finish() {
            for (CompletableFuture<List<InetAddress>> lookup : lookups) {
                lookup.cancel(false);
            }
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            timerAt = Long.MAX_VALUE;
        }

        void reschedule() {
            if (scheduler == null || scheduler.isDone()) {
                return;
            }
            long next = scheduler.nextWakeupNanos();
            if (next == timerAt) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            timerAt = next;
            long delay = Math.max(0, next - System.nanoTime());
            timer = loop.schedule(() -> {
                timer = null;
                timerAt = Long.MAX_VALUE;
                apply(scheduler.timer(System.nanoTime()));
            }, delay, TimeUnit.NANOSECONDS);
        }

        AttemptRecord record(Attempt attempt, long now) {
            return scheduler.records(now).get(attempt.index());
        }

        AttemptRecord record(Attempt attempt, long now, Throwable cause) {
            AttemptRecord r = record(attempt, now);
            return new AttemptRecord(r.address(), r.family(), r.start(), r.duration(), ConnectErrors.classify(cause),
                    ConnectErrors.describe(cause, attempt.address()));
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The whole pipeline of an attempt until it wins: nothing happens on a loser. */
    private static final class Placeholder extends ChannelInboundHandlerAdapter {}
}
