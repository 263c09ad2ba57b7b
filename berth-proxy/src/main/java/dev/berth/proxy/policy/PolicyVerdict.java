package dev.berth.proxy.policy;

import dev.berth.ip.Prefix;
import dev.berth.proxy.config.PolicyConfig.Action;

/**
 * What {@link SourcePolicy#decide} said about one client address.
 *
 * @param action   what the policy's rules say
 * @param matched  the most specific prefix that decided, or {@code null} when the default did
 * @param enforced false under {@code shadow: true}: a deny is logged and counted, not carried out
 */
public record PolicyVerdict(Action action, Prefix matched, boolean enforced) {

    /** Whether the connection goes on: allowed, or denied only in shadow mode. */
    public boolean admits() {
        return action == Action.ALLOW || !enforced;
    }

    /** True for a deny that shadow mode lets through. */
    public boolean shadowDenied() {
        return action == Action.DENY && !enforced;
    }

    /** The rule that decided, as logs show it: {@code deny 10.9.0.0/16}, {@code default deny}. */
    public String rule() {
        String verb = action == Action.ALLOW ? "allow" : "deny";
        return matched == null ? "default " + verb : verb + " " + matched;
    }
}
