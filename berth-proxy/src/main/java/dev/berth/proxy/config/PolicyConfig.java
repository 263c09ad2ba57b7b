package dev.berth.proxy.config;

import dev.berth.ip.Prefix;
import java.util.List;

/**
 * A listener's source-CIDR policy (zero trust at L4): who may connect, judged on the client's
 * address when the connection is accepted, before any upstream connection is opened.
 *
 * <p>The most specific prefix containing the client's address decides; when {@code allow} and
 * {@code deny} name the same prefix, deny wins; an address no prefix contains gets
 * {@code defaultAction}. IPv4-mapped IPv6 clients ({@code ::ffff:10.0.0.1}) match IPv4 prefixes.
 * Under PROXY protocol the client is the address the header carries.
 *
 * @param defaultAction what an address no prefix contains gets; default allow
 * @param allow         prefixes let through
 * @param deny          prefixes refused (reason {@code PD})
 * @param shadow        log and count what would be denied, but let it through; default false
 */
public record PolicyConfig(Action defaultAction, List<Prefix> allow, List<Prefix> deny, boolean shadow) {

    /** No policy written: everyone is let through. */
    public static final PolicyConfig ALLOW_ALL = new PolicyConfig(Action.ALLOW, List.of(), List.of(), false);

    public PolicyConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** What the policy does with a connection. */
    public enum Action {
        ALLOW,
        DENY
    }

    /** True when this policy can refuse nobody (the default, and what {@link #ALLOW_ALL} is). */
    public boolean allowsEveryone() {
        return defaultAction == Action.ALLOW && deny.isEmpty();
    }
}
