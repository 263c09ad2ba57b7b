package dev.berth.proxy.config;

import java.net.InetSocketAddress;

/**
 * The admin server (readiness, metrics, cluster state, config dump, drain).
 *
 * @param address where it listens; default {@code 127.0.0.1:15000}. Loopback unless the file says otherwise.
 */
public record AdminConfig(InetSocketAddress address) {}
