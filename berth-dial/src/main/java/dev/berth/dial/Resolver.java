package dev.berth.dial;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves a host name one family at a time, asynchronously, as RFC 8305 §3 asks (AAAA and A
 * as separate queries, neither waiting for the other). Tests inject answers and timing;
 * {@link SystemResolver} uses the operating system's resolver, so {@code /etc/hosts} counts.
 */
public interface Resolver {

    /**
     * Addresses of {@code family} for {@code host}, in preference order. An empty list means
     * "no address of this family" (a negative answer); an exceptional completion is an error.
     * Cancelling the future abandons the query.
     */
    CompletableFuture<List<InetAddress>> resolve(String host, Family family);
}
