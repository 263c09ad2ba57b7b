package dev.berth.proxy.policy;

import dev.berth.ip.IpAddress;
import dev.berth.ip.Prefix;
import dev.berth.ip.PrefixMap;
import dev.berth.ip.PrefixMatch;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.config.PolicyConfig.Action;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A listener's source-CIDR policy as a decision over one address: built once per listener from
 * its {@link PolicyConfig}, then immutable and shared by every connection's handler.
 *
 * <p>Longest prefix wins (the most specific rule, whichever list it is in); deny wins a tie
 * (the same prefix in both lists, in any spelling such as {@code ::ffff:10.0.0.0/104} for
 * {@code 10.0.0.0/8}); an address no prefix contains gets the default. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry, so a dual-stack listener's rules are
 * written once, in IPv4. This is nginx's {@code allow}/{@code deny} made order-independent:
 * the outcome never depends on how the lists are sorted.
 */
public final class SourcePolicy {

    private final PrefixMap<Action> rules;
    private final Action defaultAction;
    private final boolean enforced;

    private SourcePolicy(PrefixMap<Action> rules, Action defaultAction, boolean enforced) {
        this.rules = rules;
        this.defaultAction = defaultAction;
        this.enforced = enforced;
    }

    public static SourcePolicy of(PolicyConfig config) {
        PrefixMap.Builder<Action> b = PrefixMap.builder();
        for (Prefix p : config.allow()) {
            b.merge(p, Action.ALLOW, SourcePolicy::denyWins);
        }
        for (Prefix p : config.deny()) {
            b.merge(p, Action.DENY, SourcePolicy::denyWins);
        }
        return new SourcePolicy(b.build(), config.defaultAction(), !config.shadow());
    }

    private static Action denyWins(Action a, Action b) {
        return a == Action.DENY || b == Action.DENY ? Action.DENY : Action.ALLOW;
    }

    /** The verdict for a client at {@code source} (its scope, if any, is ignored). */
    public PolicyVerdict decide(IpAddress source) {
        Optional<PrefixMatch<Action>> m = rules.longestMatch(source);
        return m.map(match -> new PolicyVerdict(match.value(), match.prefix(), enforced))
                .orElseGet(() -> new PolicyVerdict(defaultAction, null, enforced));
    }

    /** {@link #decide(IpAddress)} for a JDK address. */
    public PolicyVerdict decide(InetAddress source) {
        return decide(IpAddress.of(source));
    }
}
