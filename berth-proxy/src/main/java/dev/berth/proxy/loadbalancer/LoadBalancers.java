package dev.berth.proxy.loadbalancer;

import dev.berth.proxy.config.ClusterConfig.LbPolicy;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Creates the load balancer for a policy over one endpoint snapshot. */
public final class LoadBalancers {

    private LoadBalancers() {}

    public static LoadBalancer create(LbPolicy policy, List<? extends Endpoint> snapshot) {
        List<Endpoint> endpoints = List.copyOf(snapshot);
        AtomicLong next = new AtomicLong();
        return context -> {
            if (endpoints.isEmpty()) {
                return null;
            }
            for (int i = 0; i < endpoints.size(); i++) {
                Endpoint e = endpoints.get((int) Math.floorMod(next.getAndIncrement(), (long) endpoints.size()));
                if (!context.exclude().contains(e)) {
                    return e;
                }
            }
            return endpoints.get(0);
        };
    }
}
