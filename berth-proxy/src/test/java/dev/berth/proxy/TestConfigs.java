package dev.berth.proxy;

import dev.berth.ip.Prefix;
import dev.berth.proxy.config.AccessLogConfig;
import dev.berth.proxy.config.AdminConfig;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.config.ShutdownConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Small builders for proxy configurations in tests: one listener on a free loopback port, one cluster. */
final class TestConfigs {

    private TestConfigs() {}

    static ListenerConfig listener(String ip, String cluster, Path accessLog) {
        return new ListenerConfig("in", new InetSocketAddress(InetAddress.ofLiteral(ip), 0), cluster, 1024,
                Duration.ofHours(1), Duration.ZERO, 65536, true,
                new AccessLogConfig(AccessLogConfig.Target.FILE, accessLog));
    }

    static ClusterConfig cluster(String name, List<InetSocketAddress> endpoints) {
        return new ClusterConfig(name, ClusterConfig.Discovery.STATIC,
                endpoints.stream().map(a -> new EndpointConfig(a.getAddress().getHostAddress(), a.getPort(), 1)).toList(),
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(5), 10_000, 3, Duration.ofSeconds(5));
    }

    static ProxyConfig config(ListenerConfig listener, ClusterConfig cluster, ShutdownConfig shutdown) {
        return new ProxyConfig(new AdminConfig(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)),
                List.of(listener), List.of(cluster), shutdown);
    }

    static ProxyConfig config(ListenerConfig listener, ClusterConfig cluster) {
        return config(listener, cluster, new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(5)));
    }

    static ListenerConfig idle(ListenerConfig l, Duration idle) {
        return new ListenerConfig(l.name(), l.address(), l.cluster(), l.backlog(), idle, l.maxConnectionDuration(),
                l.bufferBytes(), l.tcpNoDelay(), l.accessLog());
    }

    static ListenerConfig policy(ListenerConfig l, PolicyConfig policy) {
        return new ListenerConfig(l.name(), l.address(), l.cluster(), l.backlog(), l.idleTimeout(), l.maxConnectionDuration(),
                l.bufferBytes(), l.tcpNoDelay(), l.accessLog(), l.proxyProtocol(), l.trustedSources(), l.proxyProtocolTimeout(),
                policy);
    }

    /** {@code default}, allow and deny lists as space-separated prefixes, shadow. */
    static PolicyConfig policy(String defaultAction, String allow, String deny, boolean shadow) {
        return new PolicyConfig(PolicyConfig.Action.valueOf(defaultAction.toUpperCase(java.util.Locale.ROOT)), prefixes(allow),
                prefixes(deny), shadow);
    }

    static ListenerConfig acceptProxyProtocol(ListenerConfig l, String trusted, Duration timeout) {
        return new ListenerConfig(l.name(), l.address(), l.cluster(), l.backlog(), l.idleTimeout(), l.maxConnectionDuration(),
                l.bufferBytes(), l.tcpNoDelay(), l.accessLog(), ListenerConfig.ProxyProtocol.ACCEPT, prefixes(trusted), timeout,
                l.policy());
    }

    static ClusterConfig sendProxyProtocol(ClusterConfig c, ClusterConfig.ProxyProtocol version) {
        return c.withProxyProtocol(version);
    }

    private static List<Prefix> prefixes(String list) {
        return list.isBlank() ? List.of() : java.util.Arrays.stream(list.trim().split("\\s+")).map(Prefix::parse).toList();
    }

    static ClusterConfig maxConnections(ClusterConfig c, int max) {
        return new ClusterConfig(c.name(), c.discovery(), c.endpoints(), c.lb(), c.connectTimeout(), max, c.connectAttempts(),
                c.dnsRefresh());
    }
}
