package dev.berth.proxy.config;

/**
 * An endpoint as the configuration names it (OkHttp's {@code Address}: what was asked for,
 * not what a connection used).
 *
 * @param host   an IP literal, or a name (resolved by {@code dns} discovery, or by the dialer)
 * @param port   1-65535
 * @param weight relative share for weighted policies, 1-1000; default 1
 */
public record EndpointConfig(String host, int port, int weight) {

    /** {@code host:port}, with brackets for IPv6 literals. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
