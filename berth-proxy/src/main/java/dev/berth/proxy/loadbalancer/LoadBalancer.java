package dev.berth.proxy.loadbalancer;

/**
 * Picks an endpoint for a new connection from an immutable snapshot of endpoints. A new
 * snapshot (endpoints added, removed, re-weighted) gets a new balancer; the old one is
 * dropped, never mutated (Armeria's model). Implementations are thread-safe and never block.
 */
public interface LoadBalancer {

    /**
     * @return an endpoint not in {@code context.exclude()} while one exists, else any endpoint,
     *     or {@code null} when the snapshot is empty
     */
    Endpoint pick(PickContext context);
}
