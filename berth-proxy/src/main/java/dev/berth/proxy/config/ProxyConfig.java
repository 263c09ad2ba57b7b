package dev.berth.proxy.config;

import java.util.List;

/**
 * The proxy's validated configuration: every value checked, every default filled in. Built by
 * {@link ConfigLoader}; immutable.
 *
 * @param admin     the admin server
 * @param listeners where the proxy accepts, each naming a cluster (names unique)
 * @param clusters  where it forwards to (names unique)
 * @param shutdown  how it drains
 */
public record ProxyConfig(AdminConfig admin, List<ListenerConfig> listeners, List<ClusterConfig> clusters, ShutdownConfig shutdown) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
    }

    /** The cluster with this name; validation guarantees every listener's cluster exists. */
    public ClusterConfig cluster(String name) {
        for (ClusterConfig c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cluster named " + name);
    }
}
