package dev.berth.proxy.policy;

import dev.berth.ip.IpAddress;
import dev.berth.ip.Prefix;
import dev.berth.ip.PrefixMap;
import java.net.InetAddress;
import java.util.List;

/**
 * The direct peers whose PROXY protocol headers a listener believes (Envoy's
 * {@code direct_remote_ip}, checked before the header's {@code remote_ip} is taken as the
 * client). Anyone else could write any client address into a header and pick the verdict of
 * the policy that judges it. IPv4-mapped peers match IPv4 prefixes.
 */
public final class TrustedSources {

    private final PrefixMap<Boolean> prefixes;

    private TrustedSources(PrefixMap<Boolean> prefixes) {
        this.prefixes = prefixes;
    }

    public static TrustedSources of(List<Prefix> prefixes) {
        PrefixMap.Builder<Boolean> b = PrefixMap.builder();
        for (Prefix p : prefixes) {
            b.merge(p, Boolean.TRUE, (x, y) -> Boolean.TRUE);
        }
        return new TrustedSources(b.build());
    }

    public boolean contains(IpAddress peer) {
        return prefixes.longestMatch(peer).isPresent();
    }

    public boolean contains(InetAddress peer) {
        return contains(IpAddress.of(peer));
    }
}
