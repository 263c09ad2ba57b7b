/** Clusters: their endpoints (static or re-resolved from DNS) as immutable snapshots of the healthy ones with their balancer, the circuit breakers, and per-endpoint and per-cluster counts and health. */
package dev.berth.proxy.cluster;
