/**
 * The proxy's watch on its ephemeral ports: how full each endpoint's port pool is
 * ({@code upstream_port_pressure_ratio}, sampled from procfs off the data path, with a warning
 * from 70 %), connects that failed for want of a port ({@code upstream_cx_ports_exhausted}), and
 * the {@code berth diag sockets} report scoped to the proxy's upstream endpoints.
 */
package dev.berth.proxy.portpressure;
