package dev.berth.proxy.loadbalancer;

import java.net.InetAddress;
import java.util.Set;

/**
 * What a pick may depend on.
 *
 * @param client  the downstream client's address (ring hash keys on it)
 * @param exclude endpoints already tried for this connection; a balancer avoids them while others remain
 */
public record PickContext(InetAddress client, Set<Endpoint> exclude) {

    public PickContext {
        exclude = Set.copyOf(exclude);
    }

    public static PickContext of(InetAddress client) {
        return new PickContext(client, Set.of());
    }
}
