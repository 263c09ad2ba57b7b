/** Active health checks on the wire: TCP and HTTP probes, bounded in time, run on their own event loop off the data path, feeding each cluster's health. */
package dev.berth.proxy.health.probe;
