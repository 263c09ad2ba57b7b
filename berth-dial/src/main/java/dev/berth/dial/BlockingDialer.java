package dev.berth.dial;

import dev.berth.dial.AttemptScheduler.Action;
import dev.berth.dial.AttemptScheduler.Attempt;
import dev.berth.dial.AttemptScheduler.Cancel;
import dev.berth.dial.AttemptScheduler.Fail;
import dev.berth.dial.AttemptScheduler.Start;
import dev.berth.dial.AttemptScheduler.Win;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Happy Eyeballs for applications that do not use Netty: {@link #dial} blocks the calling
 * thread and returns a connected, blocking {@link SocketChannel} (use
 * {@code channel.socket()} for a {@code java.net.Socket} view).
 *
 * <p>Same scheduler and rules as {@link NettyDialer}; the attempts are non-blocking NIO
 * channels raced on a {@link Selector} in the calling thread. Losers are closed before it
 * returns. Interrupting the thread cancels the dial.
 *
 * <pre>{@code
 * try (SocketChannel ch = new BlockingDialer(DialOptions.defaults()).dial("example.com", 443)) {
 *     ch.write(ByteBuffer.wrap("hello".getBytes()));
 * }
 * }</pre>
 */
public final class BlockingDialer {

    private final Resolver resolver;
    private final DialOptions options;
    private final DialListener listener;

    public BlockingDialer(Resolver resolver, DialOptions options, DialListener listener) {
        this.resolver = resolver;
        this.options = options;
        this.listener = listener;
    }

    /** The system resolver, no listener. */
    public BlockingDialer(DialOptions options) {
        this(SystemResolver.INSTANCE, options, DialListener.NONE);
    }

    /**
     * Connects to {@code host} (a name or an IP literal) on {@code port}.
     *
     * @throws DialException          naming the host, port and every attempt
     * @throws InterruptedIOException when the thread was interrupted (every attempt is closed)
     */
    public SocketChannel dial(String host, int port) throws IOException {
        try (Selector selector = Selector.open()) {
            return new Race(selector, host, port).run();
        }
    }

    /** A resolver answer, handed from the resolver's thread to the dialing thread. */
    private record Answer(Family family, List<InetAddress> addresses, Throwable error) {}

    private final class Race {
        final Selector selector;
        final String host;
        final int port;
        final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        final Map<Attempt, SocketChannel> channels = new HashMap<>();
        final List<CompletableFuture<List<InetAddress>>> lookups = new ArrayList<>();
        final java.util.ArrayDeque<Runnable> deferred = new java.util.ArrayDeque<>();
        AttemptScheduler scheduler;
        SocketChannel result;
        DialException failure;

        Race(Selector selector, String host, int port) {
            this.selector = selector;
            this.host = host;
            this.port = port;
        }

        SocketChannel run() throws IOException {
            listener.dialStart(host, port);
            long now = System.nanoTime();
            InetAddress literal = IpLiteral.parse(host);
            if (literal != null) {
                Family family = Family.of(literal);
                boolean allowed = options.families().contains(family);
                scheduler = new AttemptScheduler(host, port, options, allowed ? Set.of(family) : Set.of(), now);
                apply(allowed ? scheduler.resolved(family, List.of(literal), now) : scheduler.timer(now));
            } else {
                Set<Family> families = EnumSet.copyOf(options.families());
                scheduler = new AttemptScheduler(host, port, options, families, now);
                for (Family family : List.of(Family.IPV6, Family.IPV4)) {
                    if (families.contains(family)) {
                        listener.resolutionStart(host, family);
                        CompletableFuture<List<InetAddress>> lookup = resolver.resolve(host, family);
                        lookups.add(lookup);
                        lookup.whenComplete((addresses, error) -> {
                            answers.add(new Answer(family, addresses, error));
                            selector.wakeup();
                        });
                    }
                }
            }
            try {
                while (!scheduler.isDone()) {
                    if (Thread.interrupted()) {
                        apply(scheduler.cancel(System.nanoTime()));
                        throw new InterruptedIOException("dial " + AttemptScheduler.formatHostPort(host, port) + " interrupted");
                    }
                    runDeferred();
                    if (scheduler.isDone()) {
                        break;
                    }
                    long waitNanos = scheduler.nextWakeupNanos() - System.nanoTime();
                    if (waitNanos > 0 && answers.isEmpty()) {
                        selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
                    } else {
                        selector.selectNow();
                    }
                    handleSelected();
                    handleAnswers();
                    runDeferred();
                    apply(scheduler.timer(System.nanoTime()));
                }
            } finally {
                for (CompletableFuture<List<InetAddress>> lookup : lookups) {
                    lookup.cancel(false);
                }
                for (SocketChannel ch : channels.values()) {
                    closeQuietly(ch);
                }
            }
            if (failure != null) {
                throw failure;
            }
            // Leave the selector before going back to blocking mode.
            result.keyFor(selector).cancel();
            selector.selectNow();
            result.configureBlocking(true);
            return result;
        }

        void handleSelected() {
            for (SelectionKey key : selector.selectedKeys()) {
                Attempt attempt = (Attempt) key.attachment();
                SocketChannel ch = (SocketChannel) key.channel();
                if (attempt.outcome() != AttemptOutcome.PENDING) {
                    continue;
                }
                try {
                    if (ch.finishConnect()) {
                        key.interestOps(0);
                        apply(scheduler.connected(attempt, System.nanoTime()));
                    }
                } catch (IOException e) {
                    attemptFailed(attempt, e);
                }
            }
            selector.selectedKeys().clear();
        }

        void handleAnswers() {
            Answer a;
            while ((a = answers.poll()) != null) {
                long now = System.nanoTime();
                if (a.error() != null) {
                    Throwable cause = a.error() instanceof java.util.concurrent.CompletionException && a.error().getCause() != null
                            ? a.error().getCause() : a.error();
                    listener.resolutionFailed(host, a.family(), cause);
                    apply(scheduler.resolutionFailed(a.family(), cause, now));
                } else {
                    listener.resolutionEnd(host, a.family(), a.addresses());
                    apply(scheduler.resolved(a.family(), a.addresses(), now));
                }
            }
        }

        void attemptFailed(Attempt attempt, IOException e) {
            long now = System.nanoTime();
            AttemptRecord r = scheduler.records(now).get(attempt.index());
            listener.attemptFailed(new AttemptRecord(r.address(), r.family(), r.start(), r.duration(),
                    ConnectErrors.classify(e), ConnectErrors.describe(e, attempt.address())));
            closeQuietly(channels.remove(attempt));
            apply(scheduler.failed(attempt, e, now));
        }

        void apply(List<Action> actions) {
            long now = System.nanoTime();
            for (Action action : actions) {
                switch (action) {
                    case Start s -> start(s.attempt());
                    case Cancel c -> {
                        listener.attemptCancelled(scheduler.records(now).get(c.attempt().index()));
                        closeQuietly(channels.remove(c.attempt()));
                    }
                    case Win w -> {
                        result = channels.remove(w.attempt());
                        AttemptRecord winner = scheduler.records(now).get(w.attempt().index());
                        listener.attemptConnected(winner, true);
                        listener.dialEnd(winner, scheduler.records(now), scheduler.resolutions());
                    }
                    case Fail f -> {
                        failure = f.error();
                        listener.dialFailed(f.error());
                    }
                }
            }
        }

        void start(Attempt attempt) {
            listener.attemptStart(attempt.address(), attempt.family());
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(attempt.family() == Family.IPV4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                ch.configureBlocking(false);
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                channels.put(attempt, ch);
                ch.register(selector, SelectionKey.OP_CONNECT, attempt);
                if (ch.connect(attempt.address())) {
                    // Connected at once (possible on loopback). Reported after the current
                    // actions are applied: the scheduler is never re-entered.
                    ch.keyFor(selector).interestOps(0);
                    deferred.add(() -> apply(scheduler.connected(attempt, System.nanoTime())));
                }
            } catch (IOException e) {
                if (ch != null && !channels.containsKey(attempt)) {
                    closeQuietly(ch);
                }
                deferred.add(() -> {
                    if (attempt.outcome() == AttemptOutcome.PENDING) {
                        attemptFailed(attempt, e);
                    }
                });
            }
        }

        void runDeferred() {
            Runnable r;
            while ((r = deferred.poll()) != null) {
                r.run();
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a socket that never connected cannot fail in a way anyone can act on
            }
        }
    }
}
