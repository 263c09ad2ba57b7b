package dev.berth.proxy.loadbalancer;

import java.net.InetSocketAddress;

/**
 * What a load balancer sees of an endpoint: where it is, its weight, and how busy it is now.
 * Implemented by the cluster's endpoint objects; the address and weight never change for one
 * instance (a change makes a new snapshot), the active count does.
 */
public interface Endpoint {

    /** The resolved address connections go to. */
    InetSocketAddress address();

    /** Relative share, >= 1. */
    int weight();

    /** Upstream connections open to it right now. */
    int activeConnections();
}
