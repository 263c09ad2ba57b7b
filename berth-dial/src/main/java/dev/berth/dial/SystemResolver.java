package dev.berth.dial;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The operating system's resolver ({@code getaddrinfo}: {@code /etc/hosts}, then DNS), one
 * virtual thread per query so both families are asked at once. The JDK has no per-family
 * lookup, so each query asks for all addresses and keeps its family; the JDK's cache makes
 * the second lookup cheap. An unknown host completes with {@link UnknownHostException}, which
 * the dialer counts as a negative answer (with the reason kept), not as a resolver failure.
 */
public final class SystemResolver implements Resolver {

    public static final SystemResolver INSTANCE = new SystemResolver();

    private SystemResolver() {}

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host, Family family) {
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        Thread.ofVirtual().name("berth-resolve-" + family.label()).start(() -> {
            try {
                List<InetAddress> matching = new ArrayList<>();
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    if (Family.of(a) == family) {
                        matching.add(a);
                    }
                }
                result.complete(matching);
            } catch (UnknownHostException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
