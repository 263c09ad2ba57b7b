/** Clusters: their endpoints (static or re-resolved from DNS) as immutable snapshots, with per-endpoint and per-cluster connection counts. */
package dev.berth.proxy.cluster;
