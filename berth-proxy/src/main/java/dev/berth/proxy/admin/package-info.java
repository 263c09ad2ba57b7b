/** The admin HTTP server: readiness, Prometheus metrics, cluster state, the effective config, and drain. */
package dev.berth.proxy.admin;
